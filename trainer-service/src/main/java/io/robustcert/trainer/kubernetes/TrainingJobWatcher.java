package io.robustcert.trainer.kubernetes;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Turns Job watch events into phase changes: a listener hears each run's phase once per change (not on
 * every status write), and nothing after a final phase.
 */
final class TrainingJobWatcher implements Watcher<Job> {
  private final TrainingJobListener listener;
  private final Map<String, TrainingJobStatus> last = new ConcurrentHashMap<>();

  TrainingJobWatcher(TrainingJobListener listener) {
    this.listener = listener;
  }

  @Override
  public void eventReceived(Action action, Job job) {
    if (action == Action.ERROR || action == Action.BOOKMARK) {
      return;
    }
    TrainingJobStatus status = TrainingJobStatuses.of(job, action == Action.DELETED);
    TrainingJobStatus previous = last.get(status.runId());
    if (previous != null && (previous.phase().isFinal() || previous.equals(status))) {
      return;
    }
    last.put(status.runId(), status);
    listener.onStatus(status);
  }

  @Override
  public void onClose(WatcherException cause) {
    listener.onWatchClosed(cause);
  }

  @Override
  public void onClose() {
    // Closed by the caller: nothing to report.
  }
}
