/**
 * Spring Boot auto-configuration of llm-resilience: the {@code llm.resilience.*}
 * properties, their checks at start-up, and the beans built from them.
 */
@NonNullApi
@NonNullFields
package dev.llmresilience.autoconfigure;

import org.springframework.lang.NonNullApi;
import org.springframework.lang.NonNullFields;
