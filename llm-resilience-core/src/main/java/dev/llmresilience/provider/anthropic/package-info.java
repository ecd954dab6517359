/**
 * The Anthropic Messages API: requests, answers, streamed events and errors.
 */
@NonNullApi
@NonNullFields
package dev.llmresilience.provider.anthropic;

import org.springframework.lang.NonNullApi;
import org.springframework.lang.NonNullFields;
