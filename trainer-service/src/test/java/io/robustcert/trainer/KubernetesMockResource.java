package io.robustcert.trainer;

import io.fabric8.kubernetes.api.model.PodTemplate;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.MockWebServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * fabric8's mock Kubernetes API server (CRUD mode) holding the manifests' training pod template, and the
 * service configured for Kubernetes mode against it. The fabric8 client in the service (and any
 * {@code new KubernetesClientBuilder().build()} in the test) finds the server through the standard
 * {@code kubernetes.*} system properties, as a pod finds its API server through its environment.
 */
public class KubernetesMockResource implements QuarkusTestResourceLifecycleManager {

    static final String NAMESPACE = "robustcert";
    private static final Path TEMPLATE = Path.of("../k8s/base/trainer/job-podtemplate.yaml");
    private static final String[] PROPERTIES = {"kubernetes.master", "kubernetes.namespace", "kubernetes.auth.tryKubeConfig",
        "kubernetes.auth.tryServiceAccount", "kubernetes.disable.autoConfig"};

    private KubernetesMockServer server;

    @Override
    public Map<String, String> start() {
        server = new KubernetesMockServer(new io.fabric8.mockwebserver.Context(), new MockWebServer(), new HashMap<>(), new KubernetesCrudDispatcher(), false);
        server.init();
        System.setProperty("kubernetes.master", "http://127.0.0.1:" + server.getPort());
        System.setProperty("kubernetes.namespace", NAMESPACE);
        System.setProperty("kubernetes.auth.tryKubeConfig", "false");
        System.setProperty("kubernetes.auth.tryServiceAccount", "false");
        try (KubernetesClient client = server.createClient()) {
            deployTemplate(client);
        }
        return Map.of("robustcert.trainer.kubernetes.namespace", NAMESPACE);
    }

    /** The pod template the manifests deploy (module-relative path: Maven runs tests in trainer-service/). */
    static void deployTemplate(KubernetesClient client) {
        try {
            PodTemplate template = client.getKubernetesSerialization().unmarshal(Files.readString(TEMPLATE), PodTemplate.class);
            client.v1().podTemplates().inNamespace(NAMESPACE).resource(template).create();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void stop() {
        for (String p : PROPERTIES) {
            System.clearProperty(p);
        }
        if (server != null) {
            server.destroy();
        }
    }
}
