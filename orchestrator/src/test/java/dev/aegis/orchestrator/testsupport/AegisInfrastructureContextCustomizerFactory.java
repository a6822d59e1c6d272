package dev.aegis.orchestrator.testsupport;

import java.util.List;
import org.springframework.test.context.ContextConfigurationAttributes;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.ContextCustomizerFactory;
import org.springframework.test.context.TestContextAnnotationUtils;

/** Creates the customizer that wires {@link AegisComponentTest} classes to the real servers. */
final class AegisInfrastructureContextCustomizerFactory implements ContextCustomizerFactory {

  @Override
  public ContextCustomizer createContextCustomizer(
      Class<?> testClass, List<ContextConfigurationAttributes> configAttributes) {
    // TestContextAnnotationUtils also finds the annotation on the enclosing class of @Nested tests.
    AegisComponentTest annotation =
        TestContextAnnotationUtils.findMergedAnnotation(testClass, AegisComponentTest.class);
    return annotation == null
        ? null
        : new AegisInfrastructureContextCustomizer(
            testClass, annotation.database(), annotation.kafka());
  }
}
