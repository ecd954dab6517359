package dev.llmresilience.autoconfigure;

import java.util.List;

import dev.llmresilience.SpringBootTestSupport;
import dev.llmresilience.actuate.LlmEndpoint;
import dev.llmresilience.overview.LlmOverview;
import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.autoconfigure.endpoint.web.WebEndpointAutoConfiguration;
import org.springframework.boot.actuate.endpoint.EndpointId;
import org.springframework.boot.actuate.endpoint.OperationType;
import org.springframework.boot.actuate.endpoint.web.ExposableWebEndpoint;
import org.springframework.boot.actuate.endpoint.web.WebEndpointsSupplier;
import org.springframework.boot.actuate.endpoint.web.WebOperation;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link LlmEndpointAutoConfiguration}.
 */
class LlmEndpointAutoConfigurationTests {

	private final ReactiveWebApplicationContextRunner contextRunner = new ReactiveWebApplicationContextRunner()
		.withConfiguration(SpringBootTestSupport.webClient())
		.withConfiguration(
				AutoConfigurations.of(LlmResilienceAutoConfiguration.class, LlmEndpointAutoConfiguration.class,
						EndpointAutoConfiguration.class, WebEndpointAutoConfiguration.class))
		.withPropertyValues("llm.resilience.providers.anthropic.type=anthropic",
				"llm.resilience.providers.anthropic.api-key=test-key",
				"llm.resilience.providers.anthropic.base-url=http://localhost:1",
				"llm.resilience.models.sonnet.provider=anthropic");

	@Test
	void notExposedByDefault() {
		this.contextRunner
			.run((context) -> assertThat(context).doesNotHaveBean(LlmEndpoint.class).hasSingleBean(LlmOverview.class));
	}

	@Test
	void createsEndpointWhenExposedOverTheWeb() {
		this.contextRunner.withPropertyValues("management.endpoints.web.exposure.include=llm")
			.run((context) -> assertThat(context).hasSingleBean(LlmEndpoint.class));
	}

	@Test
	void webEndpointOffersOnlyItsReadOperationsByDefault() {
		this.contextRunner.withPropertyValues("management.endpoints.web.exposure.include=llm")
			.run((context) -> assertThat(operationTypes(context)).containsOnly(OperationType.READ).hasSize(2));
	}

	// Access values are in capitals: a bare context runner's environment lacks the
	// lenient enum
	// conversion that SpringApplication installs (ActuatorWriteIntegrationTests uses
	// lower case)
	@Test
	void webEndpointOffersItsWriteOperationWithUnrestrictedAccess() {
		this.contextRunner
			.withPropertyValues("management.endpoints.web.exposure.include=llm",
					"management.endpoint.llm.access=UNRESTRICTED")
			.run((context) -> assertThat(operationTypes(context)).containsExactlyInAnyOrder(OperationType.READ,
					OperationType.READ, OperationType.WRITE));
	}

	@Test
	void disabledByAccessNone() {
		this.contextRunner
			.withPropertyValues("management.endpoints.web.exposure.include=llm", "management.endpoint.llm.access=NONE")
			.run((context) -> assertThat(context).doesNotHaveBean(LlmEndpoint.class));
	}

	@Test
	void backsOffToUserEndpoint() {
		this.contextRunner.withPropertyValues("management.endpoints.web.exposure.include=llm")
			.withUserConfiguration(UserEndpointConfiguration.class)
			.run((context) -> assertThat(context).hasSingleBean(LlmEndpoint.class).hasBean("customLlmEndpoint"));
	}

	@Test
	void absentWithoutActuatorAutoConfiguration() {
		this.contextRunner.withPropertyValues("management.endpoints.web.exposure.include=llm")
			.withClassLoader(new FilteredClassLoader(ConditionalOnAvailableEndpoint.class))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(LlmEndpoint.class));
	}

	@Test
	void absentWithoutProviders() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(LlmResilienceAutoConfiguration.class,
					LlmEndpointAutoConfiguration.class, EndpointAutoConfiguration.class))
			.withPropertyValues("management.endpoints.web.exposure.include=llm")
			.run((context) -> assertThat(context).doesNotHaveBean(LlmEndpoint.class));
	}

	private static List<OperationType> operationTypes(ApplicationContext context) {
		ExposableWebEndpoint llm = context.getBean(WebEndpointsSupplier.class)
			.getEndpoints()
			.stream()
			.filter((endpoint) -> endpoint.getEndpointId().equals(EndpointId.of("llm")))
			.findFirst()
			.orElseThrow();
		return llm.getOperations().stream().map(WebOperation::getType).toList();
	}

	@Configuration(proxyBeanMethods = false)
	static class UserEndpointConfiguration {

		@Bean
		LlmEndpoint customLlmEndpoint(LlmOverview overview) {
			return new LlmEndpoint(overview);
		}

	}

}
