package dev.llmresilience.sample.dashboard;

import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Starts and stops the {@link LoadGenerator}; like it, only with the simulator.
 */
@RestController
@ConditionalOnBooleanProperty(name = "simulator.enabled", matchIfMissing = true)
@RequestMapping("/api/load")
class LoadController {

	private final LoadGenerator generator;

	LoadController(LoadGenerator generator) {
		this.generator = generator;
	}

	@GetMapping
	LoadStatus status() {
		return this.generator.status();
	}

	@PostMapping
	LoadStatus start(@RequestBody LoadSettings settings) {
		return this.generator.start(settings.validated());
	}

	@DeleteMapping
	LoadStatus stop() {
		return this.generator.stop();
	}

}
