/**
 * Actuator support: the {@code llm} health indicator, the {@code /actuator/llm} endpoint
 * and the metrics fed by the library's observations and queue.
 */
@NonNullApi
@NonNullFields
package dev.llmresilience.actuate;

import org.springframework.lang.NonNullApi;
import org.springframework.lang.NonNullFields;
