package dev.llmresilience.autoconfigure;

import java.time.Clock;

import dev.llmresilience.cluster.RateLimitSharing;
import dev.llmresilience.cluster.RedisRateLimitSharing;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.AnyNestedCondition;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * Auto-configuration that shares rate budgets and rate-limit holds with the other
 * replicas through Redis, when {@code llm.resilience.cluster.enabled} is set. It uses the
 * application's Lettuce connection factory; without one, or without Bucket4j's Lettuce
 * support, the application fails to start rather than run with limits it believes shared.
 *
 * @author llm-resilience
 */
@AutoConfiguration(before = LlmResilienceAutoConfiguration.class, afterName = SpringBootAutoConfigurationNames.REDIS)
@ConditionalOnBooleanProperty(name = "llm.resilience.enabled", matchIfMissing = true)
@ConditionalOnProperty(name = "llm.resilience.cluster.enabled", havingValue = "true")
@Conditional(OnLlmProvidersCondition.class)
@EnableConfigurationProperties(LlmResilienceProperties.class)
public class LlmClusterAutoConfiguration {

	private static final String ENABLED = "llm.resilience.cluster.enabled";

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ LettuceConnectionFactory.class, Bucket4jLettuce.class })
	static class RedisSharingConfiguration {

		@Bean
		@ConditionalOnMissingBean(RateLimitSharing.class)
		RedisRateLimitSharing llmRateLimitSharing(ObjectProvider<RedisConnectionFactory> connectionFactory,
				LlmResilienceProperties properties, ObjectProvider<Clock> clock) {
			if (!(connectionFactory.getIfAvailable() instanceof LettuceConnectionFactory lettuce)) {
				throw new InvalidLlmPropertyException(ENABLED,
						"rate limits are to be shared through Redis, but the application has no Lettuce connection"
								+ " factory",
						"Add spring-boot-starter-data-redis-reactive (which uses Lettuce) and configure"
								+ " spring.data.redis.*, or set " + ENABLED + " to false.");
			}
			LlmResilienceProperties.Cluster cluster = properties.getCluster();
			return new RedisRateLimitSharing(lettuce,
					new RedisRateLimitSharing.Settings(cluster.getKeyPrefix(), cluster.getTimeout(),
							cluster.getProbeInterval(), cluster.getLocalShare()),
					clock.getIfAvailable(Clock::systemUTC));
		}

	}

	@Configuration(proxyBeanMethods = false)
	@Conditional(RedisSharingMissing.class)
	static class RedisSharingMissingConfiguration {

		@Bean
		@ConditionalOnMissingBean(RateLimitSharing.class)
		RateLimitSharing llmRateLimitSharing() {
			throw new InvalidLlmPropertyException(ENABLED,
					"rate limits are to be shared through Redis, but Spring Data Redis or Bucket4j's Lettuce"
							+ " support is not on the class path",
					"Add spring-boot-starter-data-redis-reactive and com.bucket4j:bucket4j_jdk17-lettuce (the"
							+ " starter brings the latter), or set " + ENABLED + " to false.");
		}

	}

	static class RedisSharingMissing extends AnyNestedCondition {

		RedisSharingMissing() {
			super(ConfigurationPhase.REGISTER_BEAN);
		}

		@ConditionalOnMissingClass("org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory")
		static class NoSpringDataRedis {

		}

		@ConditionalOnMissingClass("io.github.bucket4j.redis.lettuce.Bucket4jLettuce")
		static class NoBucket4jLettuce {

		}

	}

}
