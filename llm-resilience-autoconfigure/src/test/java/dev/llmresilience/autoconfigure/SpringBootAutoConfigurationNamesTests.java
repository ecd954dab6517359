package dev.llmresilience.autoconfigure;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.util.ClassUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link SpringBootAutoConfigurationNames}: every auto-configuration that ours
 * are ordered after exists under that name in the generation the tests run on, so that a
 * name Boot moved cannot quietly order nothing.
 */
class SpringBootAutoConfigurationNamesTests {

	@Test
	void everyNamedAutoConfigurationIsOnTheClassPath() {
		List<String> names = Arrays.stream(SpringBootAutoConfigurationNames.class.getDeclaredFields())
			.filter((field) -> Modifier.isStatic(field.getModifiers()) && field.getType() == String.class)
			.map(SpringBootAutoConfigurationNamesTests::value)
			.toList();
		assertThat(names).hasSize(9)
			.allSatisfy(
					(name) -> assertThat(ClassUtils.isPresent(name, getClass().getClassLoader())).as(name).isTrue());
	}

	private static String value(Field field) {
		try {
			return (String) field.get(null);
		}
		catch (IllegalAccessException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
