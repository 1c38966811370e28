# robustcert trainer-service on ND4J's CUDA backend (nd4j-cuda-11.6, cuDNN 8.3), for training Jobs on GPU
# nodes (k8s/overlays/gpu). Build the fast-jar with the cuda profile: it swaps the trainer's ND4J backend
# and adds the CUDA 11.6 / cuDNN 8.3 runtime libraries as jars (org.bytedeco:cuda linux-x86_64-redist),
# so this image needs no CUDA base image, only the NVIDIA driver that the GPU device plugin mounts.
#   mvn -B -ntp -Pcuda -pl trainer-service -am package -DskipTests
#   docker build -f docker/trainer-cuda.Dockerfile -t robustcert/trainer-service-cuda:0.1.0 .
# (Build the CPU image from a separate `mvn package` without -Pcuda: both use trainer-service/target.)
FROM eclipse-temurin:17.0.13_11-jre-jammy

RUN groupadd --system --gid 10001 robustcert \
 && useradd --system --uid 10001 --gid 10001 --no-create-home --shell /usr/sbin/nologin robustcert
WORKDIR /deployments
COPY trainer-service/target/quarkus-app/lib/ lib/
COPY trainer-service/target/quarkus-app/app/ app/
COPY trainer-service/target/quarkus-app/quarkus/ quarkus/
COPY trainer-service/target/quarkus-app/quarkus-run.jar quarkus-run.jar
USER 10001:10001
EXPOSE 8080
# What the NVIDIA container runtime mounts: the compute libraries (libcuda) and nvidia-smi.
ENV QUARKUS_HTTP_HOST=0.0.0.0 QUARKUS_HTTP_PORT=8080 \
    NVIDIA_DRIVER_CAPABILITIES=compute,utility
# JavaCPP unpacks the CUDA libraries (several GB) under /tmp: the gpu overlay gives /tmp 16 GiB.
ENTRYPOINT ["java", "-Djava.io.tmpdir=/tmp", "-Dorg.bytedeco.javacpp.cachedir=/tmp/javacpp", "-jar", "/deployments/quarkus-run.jar"]
