# robustcert certifier-service on the JVM, from the Quarkus fast-jar that Maven builds (no build inside Docker).
#   mvn -B -ntp -pl certifier-service -am package -DskipTests
#   docker build -f docker/certifier-service.Dockerfile -t robustcert/certifier-service:0.1.0 .
# Base: Eclipse Temurin 17 JRE on Ubuntu 22.04, pinned to a release tag; pin its digest too where you build
# (docker buildx imagetools inspect eclipse-temurin:17.0.13_11-jre-jammy), it could not be looked up here.
FROM eclipse-temurin:17.0.13_11-jre-jammy

# The application belongs to root and is only readable by the service's user (UID 10001, no login,
# no home): it runs with a read-only root filesystem and writes only to /tmp (an emptyDir on Kubernetes,
# where ND4J unpacks its native libraries) and to the checkpoint store.
RUN groupadd --system --gid 10001 robustcert \
 && useradd --system --uid 10001 --gid 10001 --no-create-home --shell /usr/sbin/nologin robustcert
WORKDIR /deployments
COPY certifier-service/target/quarkus-app/lib/ lib/
COPY certifier-service/target/quarkus-app/app/ app/
COPY certifier-service/target/quarkus-app/quarkus/ quarkus/
COPY certifier-service/target/quarkus-app/quarkus-run.jar quarkus-run.jar
USER 10001:10001
EXPOSE 8080
ENV QUARKUS_HTTP_HOST=0.0.0.0 QUARKUS_HTTP_PORT=8080
ENTRYPOINT ["java", "-Djava.io.tmpdir=/tmp", "-Dorg.bytedeco.javacpp.cachedir=/tmp/javacpp", "-jar", "/deployments/quarkus-run.jar"]
