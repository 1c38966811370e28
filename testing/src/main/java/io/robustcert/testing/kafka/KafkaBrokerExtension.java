package io.robustcert.testing.kafka;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension that hands a {@link KafkaBroker} to test constructors and methods:
 * {@code @ExtendWith(KafkaBrokerExtension.class)} and a {@code KafkaBroker} parameter. One broker
 * ({@link KafkaBrokers#start()}) serves the whole test run and stops when the run ends.
 */
public final class KafkaBrokerExtension implements ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(KafkaBrokerExtension.class);

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == KafkaBroker.class;
    }

    @Override
    public KafkaBroker resolveParameter(ParameterContext parameter, ExtensionContext context) {
        // The root store closes its AutoCloseable values when the run ends.
        return context.getRoot().getStore(NAMESPACE)
                .computeIfAbsent(KafkaBroker.class, k -> KafkaBrokers.start(), KafkaBroker.class);
    }
}
