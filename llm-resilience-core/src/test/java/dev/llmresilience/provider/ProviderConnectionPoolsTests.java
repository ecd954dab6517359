package dev.llmresilience.provider;

import java.util.List;
import java.util.function.BiConsumer;

import org.junit.jupiter.api.Test;
import reactor.netty.resources.ConnectionProvider;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ProviderConnectionPools}.
 */
class ProviderConnectionPoolsTests {

	@Test
	void poolsHaveTheConfiguredSizeAndTheCustomizationsAndAreDisposedWhenClosed() {
		BiConsumer<String, ConnectionProvider.Builder> larger = (id, builder) -> {
			if (id.equals("gpt")) {
				builder.maxConnections(9);
			}
		};
		ProviderConnectionPools pools = new ProviderConnectionPools(List.of(larger));
		ProviderSettings settings = ProviderSettings.of("claude", "https://api.anthropic.com", "test-key");
		ConnectionProvider first = pools.create(settings, 7);
		ConnectionProvider second = pools.create(ProviderSettings.of("gpt", "https://api.openai.com/v1", null), 3);
		assertThat(first.maxConnections()).isEqualTo(7);
		// the customizer comes last
		assertThat(second.maxConnections()).isEqualTo(9);
		assertThat(first.name()).isEqualTo("llm-claude");
		pools.close();
		assertThat(first.isDisposed()).isTrue();
		assertThat(second.isDisposed()).isTrue();
	}

}
