package dev.llmresilience.springai.autoconfigure;

import dev.llmresilience.springai.provider.SpringAiChatModelProvider;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationPredicate;

import org.springframework.ai.chat.observation.ChatModelObservationContext;

/**
 * Turns off the observation that a Spring AI chat model makes of a call that a
 * {@code spring-ai} provider makes for an attempt of the pipeline, so that the call is
 * observed, measured and traced once, as the attempt it is ({@code llm.attempt},
 * {@code gen_ai.client.operation.duration}, {@code gen_ai.client.token.usage}), and not a
 * second time under Spring AI's meters of the same family. Calls of the same chat model
 * that do not come from the pipeline are observed by Spring AI as before.
 */
class AttemptChatModelObservationPredicate implements ObservationPredicate {

	@Override
	public boolean test(String name, Observation.Context context) {
		return !(context instanceof ChatModelObservationContext chat && chat.getRequest() != null
				&& SpringAiChatModelProvider.isAttemptPrompt(chat.getRequest()));
	}

}
