package io.robustcert.cli;

import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The {@code robustcert} command. Exit codes: 0 success, 1 thresholds not met ({@code certify}), 2 bad
 * usage or bad input (one line on stderr, nothing on stdout), 3 unsoundness alarm ({@code certify}), 70
 * internal error.
 */
@Command(name = "robustcert",
        mixinStandardHelpOptions = true,
        version = "robustcert 0.1.0",
        description = "Certified bounds, attacks and robustness gates for neural networks.",
        subcommands = {BoundsCommand.class, CertifyCommand.class, AttackCommand.class, TrainCommand.class, ReproduceCommand.class,
            ConvertCommand.class,
            CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    /** The model does not meet the thresholds. */
    public static final int EXIT_FAIL = 1;
    /** A certified sample was broken by a checked adversarial example: some bound is unsound. */
    public static final int EXIT_UNSOUND = 3;
    /** Bad usage or bad input. */
    public static final int EXIT_USAGE = CommandLine.ExitCode.USAGE;
    /** The certifier service of {@code --remote} cannot be reached or did not answer in time (EX_UNAVAILABLE). */
    public static final int EXIT_UNAVAILABLE = 69;
    /** An unexpected failure (EX_SOFTWARE). */
    public static final int EXIT_INTERNAL = 70;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "missing command, one of: "
                + String.join(", ", spec.subcommands().keySet()));
    }

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true);
        PrintWriter err = new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
        int code = run(args, out, err);
        out.flush();
        err.flush();
        System.exit(code);
    }

    /** Runs the command line; returns the exit code. Writes results to {@code out}, problems to {@code err}. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        return run(args, out, err, CommandLine.defaultFactory());
    }

    /** As {@link #run(String[], PrintWriter, PrintWriter)}, with commands made by {@code factory} (tests). */
    static int run(String[] args, PrintWriter out, PrintWriter err, CommandLine.IFactory factory) {
        NativeBackend.select();
        System.setProperty("java.awt.headless", "true");
        try {
            CommandLine cmd = commandLine(out, err, factory);
            return cmd.execute(args);
        } catch (Throwable t) {
            // Errors (out of memory, native library failures) escape picocli's handlers.
            err.println(internalError(t));
            debugTrace(t, err);
            return EXIT_INTERNAL;
        } finally {
            out.flush();
            err.flush();
        }
    }

    static CommandLine commandLine(PrintWriter out, PrintWriter err, CommandLine.IFactory factory) {
        CommandLine cmd = new CommandLine(new Main(), factory);
        cmd.setOut(out);
        cmd.setErr(err);
        cmd.setParameterExceptionHandler((ex, args) -> {
            CommandLine c = ex.getCommandLine();
            c.getErr().println("error: " + oneLine(ex.getMessage()) + " (see '" + c.getCommandSpec().qualifiedName()
                    + " --help')");
            return c.getCommandSpec().exitCodeOnInvalidInput();
        });
        cmd.setExecutionExceptionHandler((ex, c, parseResult) -> {
            if (ex instanceof UserInputException) {
                c.getErr().println("error: " + oneLine(ex.getMessage()));
                return EXIT_USAGE;
            }
            c.getErr().println(internalError(ex));
            debugTrace(ex, c.getErr());
            return EXIT_INTERNAL;
        });
        return cmd;
    }

    /** Stack traces of internal errors only on request: {@code ROBUSTCERT_DEBUG=1}. */
    private static void debugTrace(Throwable t, PrintWriter err) {
        String debug = System.getenv("ROBUSTCERT_DEBUG");
        if (debug != null && !debug.isEmpty() && !debug.equals("0")) {
            t.printStackTrace(err);
        }
    }

    static String internalError(Throwable t) {
        if (t instanceof OutOfMemoryError) {
            return "internal error: out of memory (" + oneLine(t.getMessage()) + "); try a smaller --batch-size";
        }
        String message = t.getMessage();
        return "internal error: " + t.getClass().getName() + (message == null ? "" : ": " + oneLine(message));
    }

    /** Messages go to stderr as one line. */
    static String oneLine(String message) {
        if (message == null) {
            return "";
        }
        return message.strip().replaceAll("\\s*\\R\\s*", " ");
    }
}
