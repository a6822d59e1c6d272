package dev.aegis.orchestrator.testsupport;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.core.annotation.AliasFor;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ContextCustomizerFactories;

/**
 * A Spring Boot test of the orchestrator on real servers: the shared in-process KRaft broker and a
 * database of the test class's own (see {@link DatabaseMode}).
 *
 * <p>What the context gets, before it starts:
 *
 * <ul>
 *   <li>{@code aegis.kafka.bootstrap-servers} = the shared broker; {@code
 *       spring.kafka.consumer.group-id} = a group unique to this context, committed at the end of
 *       every contract topic, so the application's consumers neither replay earlier classes'
 *       records nor miss the test's own.
 *   <li>{@code aegis.database.url} and {@code aegis.database.username} = the class's database, as
 *       the application role; {@code aegis.database.migration-username} = its owner role, which
 *       Flyway migrates as. Tests therefore run with the production privileges (docs/database.md).
 * </ul>
 *
 * <p>Every test class gets its own context, closed after the class ({@link DirtiesContext}): a
 * cached context would keep consuming the shared topics and steal the next class's records.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@SpringBootTest
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
@ContextCustomizerFactories(AegisInfrastructureContextCustomizerFactory.class)
public @interface AegisComponentTest {

  /** Which database the context gets. */
  DatabaseMode database() default DatabaseMode.FRESH;

  /** Which Kafka broker the context gets. */
  KafkaMode kafka() default KafkaMode.SHARED;

  /** Extra properties, as in {@link SpringBootTest#properties()}. */
  @AliasFor(annotation = SpringBootTest.class, attribute = "properties")
  String[] properties() default {};

  /**
   * The configuration to load, as in {@link SpringBootTest#classes()}; default: the application.
   */
  @AliasFor(annotation = SpringBootTest.class, attribute = "classes")
  Class<?>[] classes() default {};

  /** The web environment, as in {@link SpringBootTest#webEnvironment()}. */
  @AliasFor(annotation = SpringBootTest.class, attribute = "webEnvironment")
  SpringBootTest.WebEnvironment webEnvironment() default SpringBootTest.WebEnvironment.MOCK;
}
