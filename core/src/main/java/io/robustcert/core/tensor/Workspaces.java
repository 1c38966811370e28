package io.robustcert.core.tensor;

import java.util.function.Supplier;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration;
import org.nd4j.linalg.api.memory.enums.AllocationPolicy;
import org.nd4j.linalg.api.memory.enums.LearningPolicy;
import org.nd4j.linalg.api.memory.enums.ResetPolicy;
import org.nd4j.linalg.api.memory.enums.SpillPolicy;
import org.nd4j.linalg.factory.Nd4j;

/**
 * ND4J workspaces for the bound computations.
 *
 * <p>Why: ND4J frees an array's off-heap memory only when the GC collects it, so without a workspace
 * almost every intermediate tensor lands on pages the process has never touched, and first-touch page
 * faults cost more than the arithmetic (measured: a fresh [256,32,28,28] array 15 ms, a reused one
 * 2.4 ms). Inside {@link #compute} every allocation comes from one per-thread buffer that learns its
 * size on the first call and is reused by the next ones.
 *
 * <p>Rule for callers: anything that must outlive one call (weight caches, folded specifications) is
 * created inside {@link #persistent}; results leave the workspace through {@code detach()}.
 */
public final class Workspaces {

    private static final String BOUNDS = "robustcert-bounds";
    private static final String SCRATCH = "robustcert-scratch";
    private static final String STEP = "robustcert-step";
    private static final String MICRO = "robustcert-micro-batch";
    private static final String SCREEN = "robustcert-screen";
    private static final WorkspaceConfiguration CONFIG = WorkspaceConfiguration.builder()
            .initialSize(0)
            .overallocationLimit(0.02)
            .policyAllocation(AllocationPolicy.OVERALLOCATE)
            .policyLearning(LearningPolicy.FIRST_LOOP)
            .policyReset(ResetPolicy.BLOCK_LEFT)
            .policySpill(SpillPolicy.REALLOCATE)
            .build();

    private Workspaces() {
    }

    /** Runs a computation with its temporaries in the thread's bound workspace. Nested calls share it. */
    @SuppressWarnings("try") // the scope is the point, the resource itself is not used
    public static <T> T compute(Supplier<T> computation) {
        if (Nd4j.getWorkspaceManager().checkIfWorkspaceExistsAndActive(BOUNDS)
                || Nd4j.getWorkspaceManager().checkIfWorkspaceExistsAndActive(SCREEN)) {
            return computation.get();
        }
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().getAndActivateWorkspace(CONFIG, BOUNDS)) {
            return computation.get();
        }
    }

    /**
     * Runs a computation with its temporaries in the thread's scratch workspace, which is emptied when it
     * returns: for a loop of large computations inside {@link #compute} (the smoothness probes run twelve
     * loss-and-gradient tapes inside one training step) whose temporaries would otherwise pile up until the
     * enclosing scope ends. Only plain Java values may leave it; arrays must be {@code detach()}ed.
     */
    @SuppressWarnings("try")
    public static <T> T scratch(Supplier<T> computation) {
        if (Nd4j.getWorkspaceManager().checkIfWorkspaceExistsAndActive(SCRATCH)) {
            throw new IllegalStateException("scratch scopes do not nest: the inner one would empty the outer one");
        }
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().getAndActivateWorkspace(CONFIG, SCRATCH)) {
            return computation.get();
        }
    }

    /**
     * Runs a whole bound computation, its {@link #compute} scope included, in the thread's screen workspace,
     * emptied when it returns: for a cheap float32 pass ahead of a sound one ({@code FloatScreen}). A workspace
     * learns its size from its first cycle; sharing the bound workspace, the small pass would teach it a size
     * the sound pass then outgrows on every call. Only plain Java values may leave it.
     */
    @SuppressWarnings("try")
    public static <T> T screen(Supplier<T> computation) {
        if (Nd4j.getWorkspaceManager().checkIfWorkspaceExistsAndActive(BOUNDS)
                || Nd4j.getWorkspaceManager().checkIfWorkspaceExistsAndActive(SCREEN)) {
            throw new IllegalStateException("a screen scope runs outside any bound computation");
        }
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().getAndActivateWorkspace(CONFIG, SCREEN)) {
            return computation.get();
        }
    }

    /**
     * Runs the loss and gradient of one slice of a batch with its temporaries in the thread's micro-batch
     * workspace, emptied when it returns (the slices of one batch run one after another). It may run inside
     * {@link #scratch} (a smoothness probe's tape, sliced too) but not inside itself. Only plain Java values
     * may leave it; results are accumulated into arrays allocated outside it.
     */
    @SuppressWarnings("try")
    public static <T> T microBatch(Supplier<T> computation) {
        if (Nd4j.getWorkspaceManager().checkIfWorkspaceExistsAndActive(MICRO)) {
            throw new IllegalStateException("micro-batch scopes do not nest");
        }
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().getAndActivateWorkspace(CONFIG, MICRO)) {
            return computation.get();
        }
    }

    /**
     * Runs one step of a chain of computations inside {@link #compute} (a layer of a back-substitution) with
     * its temporaries in the thread's step workspace, which is emptied when the step returns; {@code keep}
     * copies what the next step needs into the enclosing bound workspace with {@link #keep}. The bound
     * workspace then holds each step's result instead of every temporary of the chain. Outside
     * {@link #compute}, or inside another step, it simply runs the computation.
     */
    @SuppressWarnings("try")
    public static <T> T step(Supplier<T> computation, java.util.function.UnaryOperator<T> keep) {
        if (!Nd4j.getWorkspaceManager().checkIfWorkspaceExistsAndActive(BOUNDS)
                || Nd4j.getWorkspaceManager().checkIfWorkspaceExistsAndActive(STEP)) {
            return computation.get();
        }
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().getAndActivateWorkspace(CONFIG, STEP)) {
            return keep.apply(computation.get());
        }
    }

    /** A copy of {@code array} in the bound workspace (for what a {@link #step} hands to the next one). */
    public static INDArray keep(INDArray array) {
        return array.leverageTo(BOUNDS, true);
    }

    /** Runs an allocation outside any workspace: for arrays that are cached across calls. */
    @SuppressWarnings("try")
    public static <T> T persistent(Supplier<T> allocation) {
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            return allocation.get();
        }
    }
}
