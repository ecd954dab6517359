/**
 * Spring AI chat models as providers of llm-resilience: neutral requests become Spring AI
 * prompts, and answers, streams and exceptions come back as neutral answers, events and
 * typed errors.
 */
@NonNullApi
@NonNullFields
package dev.llmresilience.springai.provider;

import org.springframework.lang.NonNullApi;
import org.springframework.lang.NonNullFields;
