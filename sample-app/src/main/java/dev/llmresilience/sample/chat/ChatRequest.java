package dev.llmresilience.sample.chat;

import dev.llmresilience.LlmRequest;

import org.springframework.util.StringUtils;
import org.springframework.web.server.ServerWebInputException;

/**
 * A question for the chat endpoints, as a JSON body or as query parameters.
 *
 * @param prompt the user message, required
 * @param system the system prompt, optional
 * @param chain the chain to use, optional; the default chain if neither chain nor model
 * is given
 * @param model the single model to use, optional
 * @param maxTokens the output token limit, optional
 */
record ChatRequest(String prompt, String system, String chain, String model, Integer maxTokens) {

	/**
	 * Return the template request for this question.
	 * @return the request
	 * @throws ServerWebInputException if the question is incomplete or contradicts itself
	 */
	LlmRequest toLlmRequest() {
		if (!StringUtils.hasText(this.prompt)) {
			throw new ServerWebInputException("'prompt' is required and must not be blank");
		}
		if (StringUtils.hasText(this.chain) && StringUtils.hasText(this.model)) {
			throw new ServerWebInputException("Name either a 'chain' or a 'model', not both");
		}
		if (this.maxTokens != null && this.maxTokens < 1) {
			throw new ServerWebInputException("'maxTokens' must be at least 1");
		}
		LlmRequest.Builder builder = LlmRequest.builder()
			.system(this.system)
			.user(this.prompt)
			.maxTokens(this.maxTokens);
		if (StringUtils.hasText(this.chain)) {
			builder.chain(this.chain);
		}
		if (StringUtils.hasText(this.model)) {
			builder.model(this.model);
		}
		return builder.build();
	}

}
