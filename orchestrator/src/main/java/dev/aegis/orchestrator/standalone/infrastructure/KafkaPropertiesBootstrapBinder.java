package dev.aegis.orchestrator.standalone.infrastructure;

import java.util.List;
import org.springframework.beans.BeansException;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.kafka.KafkaProperties;

/**
 * Points Spring Boot's {@link KafkaProperties} at {@link AegisKafkaBootstrap#bootstrapServers()}.
 *
 * <p>Every Kafka bean Boot builds (producer and consumer factories, KafkaAdmin, listener
 * containers) reads its address from KafkaProperties, directly or through Boot's
 * KafkaConnectionDetails, which also keeps SSL and per-client settings. Completing that one bean
 * therefore starts the broker before any Kafka client exists, and declaring it dependent on the
 * bootstrap makes the context stop those clients before the broker.
 */
final class KafkaPropertiesBootstrapBinder implements BeanPostProcessor, BeanFactoryAware {

  private ConfigurableListableBeanFactory beanFactory;

  @Override
  public void setBeanFactory(BeanFactory beanFactory) {
    this.beanFactory = (ConfigurableListableBeanFactory) beanFactory;
  }

  @Override
  public Object postProcessAfterInitialization(Object bean, String beanName) throws BeansException {
    // After initialisation, so that property binding cannot overwrite the value set here.
    if (bean instanceof KafkaProperties properties) {
      String[] names = beanFactory.getBeanNamesForType(AegisKafkaBootstrap.class);
      AegisKafkaBootstrap bootstrap = beanFactory.getBean(names[0], AegisKafkaBootstrap.class);
      properties.setBootstrapServers(List.copyOf(bootstrap.bootstrapServerList()));
      beanFactory.registerDependentBean(names[0], beanName);
    }
    return bean;
  }
}
