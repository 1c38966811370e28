/**
 * A renderer for the subset of kustomize that {@code k8s/} uses, so the manifests can be checked where
 * only an old kubectl (kustomize v2) is installed. Supported kustomization fields: {@code resources}
 * (YAML files, multi-document allowed, and directories holding a kustomization), {@code namespace},
 * {@code labels} (pairs on metadata.labels only), {@code patches} (RFC 6902 operations add, remove,
 * replace and test, inline or from a file, with a target by group, version, kind and exact name) and
 * {@code images} (name, newName, newTag, digest). Anything else is refused, so a manifest cannot
 * silently rely on a feature this renderer would ignore. Transformers run in kustomize's order:
 * patches, namespace, labels, images.
 */
package io.robustcert.k8s.kustomize;
