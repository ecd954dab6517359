package dev.llmresilience.autoconfigure;

import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration properties for llm-resilience.
 *
 * @author llm-resilience
 */
@ConfigurationProperties("llm.resilience")
public class LlmResilienceProperties {

	/**
	 * Whether to auto-configure LlmTemplate when providers are configured.
	 */
	private boolean enabled = true;

	/**
	 * Provider connections by id. Models refer to a provider by this id.
	 */
	private Map<String, Provider> providers = new LinkedHashMap<>();

	/**
	 * Models by id. Chains and requests refer to a model by this id.
	 */
	private Map<String, Model> models = new LinkedHashMap<>();

	/**
	 * Chains by name: each an ordered list of model ids, tried first to last.
	 */
	private Map<String, List<String>> chains = new LinkedHashMap<>();

	/**
	 * Name of the chain that serves requests naming no chain or model. When not set, the chain
	 * named 'default', or else the only chain, if there is exactly one.
	 */
	private String defaultChain;

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public Map<String, Provider> getProviders() {
		return this.providers;
	}

	public void setProviders(Map<String, Provider> providers) {
		this.providers = providers;
	}

	public Map<String, Model> getModels() {
		return this.models;
	}

	public void setModels(Map<String, Model> models) {
		this.models = models;
	}

	public Map<String, List<String>> getChains() {
		return this.chains;
	}

	public void setChains(Map<String, List<String>> chains) {
		this.chains = chains;
	}

	public String getDefaultChain() {
		return this.defaultChain;
	}

	public void setDefaultChain(String defaultChain) {
		this.defaultChain = defaultChain;
	}

	/**
	 * The wire formats a provider may speak.
	 */
	public enum ProviderType {

		/**
		 * The Anthropic Messages API.
		 */
		ANTHROPIC,

		/**
		 * The OpenAI Chat Completions API and servers compatible with it (Ollama, vLLM, LM
		 * Studio, gateways).
		 */
		OPENAI

	}

	/**
	 * Connection settings of one provider.
	 */
	public static class Provider {

		/**
		 * Wire format of the provider: 'anthropic' or 'openai'.
		 */
		private ProviderType type;

		/**
		 * Root URL of the API. Defaults to https://api.anthropic.com for 'anthropic' and
		 * https://api.openai.com/v1 for 'openai'.
		 */
		private URI baseUrl;

		/**
		 * API key. Required for 'anthropic'; optional for 'openai', whose local servers often
		 * need none. Never logged or shown by actuator endpoints.
		 */
		private String apiKey;

		/**
		 * Value of the anthropic-version header, for 'anthropic' providers.
		 */
		private String anthropicVersion = "2023-06-01";

		/**
		 * Extra headers sent with every request, such as anthropic-beta or OpenAI-Organization.
		 */
		private Map<String, String> headers = new LinkedHashMap<>();

		/**
		 * Time limit for opening a connection.
		 */
		private Duration connectTimeout = Duration.ofSeconds(10);

		/**
		 * Time limit for the response to begin: the whole answer for non-streaming calls; for
		 * streams, the response headers and then, again, the first event.
		 */
		private Duration firstByteTimeout = Duration.ofSeconds(120);

		/**
		 * Time limit between two parts of a stream. Providers send keep-alive events, so a
		 * longer silence means a stalled stream.
		 */
		private Duration streamIdleTimeout = Duration.ofSeconds(30);

		/**
		 * Whether to allow sending the API key over plain http to a host other than loopback.
		 */
		private boolean allowInsecureTransport = false;

		public ProviderType getType() {
			return this.type;
		}

		public void setType(ProviderType type) {
			this.type = type;
		}

		public URI getBaseUrl() {
			return this.baseUrl;
		}

		public void setBaseUrl(URI baseUrl) {
			this.baseUrl = baseUrl;
		}

		public String getApiKey() {
			return this.apiKey;
		}

		public void setApiKey(String apiKey) {
			this.apiKey = apiKey;
		}

		public String getAnthropicVersion() {
			return this.anthropicVersion;
		}

		public void setAnthropicVersion(String anthropicVersion) {
			this.anthropicVersion = anthropicVersion;
		}

		public Map<String, String> getHeaders() {
			return this.headers;
		}

		public void setHeaders(Map<String, String> headers) {
			this.headers = headers;
		}

		public Duration getConnectTimeout() {
			return this.connectTimeout;
		}

		public void setConnectTimeout(Duration connectTimeout) {
			this.connectTimeout = connectTimeout;
		}

		public Duration getFirstByteTimeout() {
			return this.firstByteTimeout;
		}

		public void setFirstByteTimeout(Duration firstByteTimeout) {
			this.firstByteTimeout = firstByteTimeout;
		}

		public Duration getStreamIdleTimeout() {
			return this.streamIdleTimeout;
		}

		public void setStreamIdleTimeout(Duration streamIdleTimeout) {
			this.streamIdleTimeout = streamIdleTimeout;
		}

		public boolean isAllowInsecureTransport() {
			return this.allowInsecureTransport;
		}

		public void setAllowInsecureTransport(boolean allowInsecureTransport) {
			this.allowInsecureTransport = allowInsecureTransport;
		}

	}

	/**
	 * One model of a provider.
	 */
	public static class Model {

		/**
		 * Id of the provider that serves the model.
		 */
		private String provider;

		/**
		 * Name the provider knows the model by, such as claude-haiku-4-5. Defaults to the
		 * model's id.
		 */
		private String name;

		/**
		 * Largest output token limit sent to the model; requests asking for more are clamped,
		 * requests asking for none get this limit.
		 */
		private int maxOutputTokens = 4096;

		/**
		 * Number of tokens the model accepts as input and output together. Unknown when not
		 * set.
		 */
		private Integer contextWindow;

		public String getProvider() {
			return this.provider;
		}

		public void setProvider(String provider) {
			this.provider = provider;
		}

		public String getName() {
			return this.name;
		}

		public void setName(String name) {
			this.name = name;
		}

		public int getMaxOutputTokens() {
			return this.maxOutputTokens;
		}

		public void setMaxOutputTokens(int maxOutputTokens) {
			this.maxOutputTokens = maxOutputTokens;
		}

		public Integer getContextWindow() {
			return this.contextWindow;
		}

		public void setContextWindow(Integer contextWindow) {
			this.contextWindow = contextWindow;
		}

	}

}
