package io.robustcert.k8s.manifests;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplate;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The pod specs the manifests define, with who defines them and whether their containers run for good. */
record PodSpecs(String owner, PodSpec spec, Map<String, String> labels, boolean longRunning) {
  static List<PodSpecs> of(List<HasMetadata> objects) {
    List<PodSpecs> specs = new ArrayList<>();
    for (HasMetadata object : objects) {
      if (object instanceof Deployment d) {
        specs.add(new PodSpecs("Deployment " + d.getMetadata().getName(), d.getSpec().getTemplate().getSpec(),
            d.getSpec().getTemplate().getMetadata().getLabels(), true));
      } else if (object instanceof PodTemplate t) {
        specs.add(new PodSpecs("PodTemplate " + t.getMetadata().getName(), t.getTemplate().getSpec(),
            t.getTemplate().getMetadata().getLabels(), false));
      }
    }
    return specs;
  }
}
