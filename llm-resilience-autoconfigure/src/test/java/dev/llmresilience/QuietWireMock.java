package dev.llmresilience;

import com.github.tomakehurst.wiremock.common.Slf4jNotifier;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import org.wiremock.spring.ConfigureWireMock;
import org.wiremock.spring.WireMockConfigurationCustomizer;

/**
 * Keeps a WireMock test server from logging the requests it receives: it sees API keys by
 * design, while the logs under test are the library's.
 */
class QuietWireMock implements WireMockConfigurationCustomizer {

	@Override
	public void customize(WireMockConfiguration configuration, ConfigureWireMock options) {
		configuration.notifier(new Slf4jNotifier(false));
	}

}
