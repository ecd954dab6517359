package dev.llmresilience.springai.autoconfigure;

import java.time.Clock;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.observation.ObservationPredicate;
import org.junit.jupiter.api.Test;

import org.springframework.ai.chat.model.ChatModel;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link SpringAiProviderAutoConfiguration}.
 */
class SpringAiProviderAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SpringAiProviderAutoConfiguration.class));

	@Test
	void createsTheFactoryOfSpringAiProviders() {
		this.contextRunner.run((context) -> assertThat(context).hasSingleBean(SpringAiChatModelProviderFactory.class)
			.hasBean("llmSpringAiProviderFactory"));
	}

	@Test
	void createsThePredicateThatLeavesTheObservationOfAttemptsToThePipeline() {
		this.contextRunner.run((context) -> assertThat(context).getBean("llmSpringAiAttemptObservationPredicate")
			.isInstanceOf(AttemptChatModelObservationPredicate.class));
	}

	@Test
	void backsOffToAPredicateOfTheSameName() {
		ObservationPredicate keepAll = (name, observationContext) -> true;
		this.contextRunner.withBean("llmSpringAiAttemptObservationPredicate", ObservationPredicate.class, () -> keepAll)
			.run((context) -> assertThat(context).getBean("llmSpringAiAttemptObservationPredicate").isSameAs(keepAll));
	}

	@Test
	void backsOffToAFactoryOfTheApplication() {
		this.contextRunner.withUserConfiguration(UserFactoryConfiguration.class)
			.run((context) -> assertThat(context).getBean(SpringAiChatModelProviderFactory.class)
				.isSameAs(context.getBean(UserFactoryConfiguration.class).factory));
	}

	@Test
	void isOffWhenLlmResilienceIsDisabled() {
		this.contextRunner.withPropertyValues("llm.resilience.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(SpringAiChatModelProviderFactory.class));
	}

	@Test
	void isOffWithoutSpringAiOnTheClassPath() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(ChatModel.class))
			.run((context) -> assertThat(context).doesNotHaveBean(SpringAiChatModelProviderFactory.class));
	}

	@Configuration(proxyBeanMethods = false)
	static class UserFactoryConfiguration {

		final SpringAiChatModelProviderFactory factory = new SpringAiChatModelProviderFactory(
				new DefaultListableBeanFactory(), new ObjectMapper(), Clock.systemUTC());

		@Bean
		SpringAiChatModelProviderFactory userSpringAiProviderFactory() {
			return this.factory;
		}

	}

}
