/**
 * The deployments that serve a model and the routing that picks one for each attempt.
 */
@NonNullApi
@NonNullFields
package dev.llmresilience.routing;

import org.springframework.lang.NonNullApi;
import org.springframework.lang.NonNullFields;
