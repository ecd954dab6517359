package dev.llmresilience.provider;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ToolCalls#portableId}: ids every provider accepts, the same for a call
 * and its result, and never the same for two different ids.
 */
class ToolCallsTests {

	private static final String PORTABLE = "^[a-zA-Z0-9_-]+$";

	@ParameterizedTest
	@ValueSource(strings = { "toolu_01A09q90qw90lq917835lq9", "call_abc123", "a_b", "x-y", "0" })
	void idOfLettersDigitsUnderscoresAndHyphensIsKeptAsItIs(String id) {
		assertThat(ToolCalls.portableId(id)).isSameAs(id);
	}

	@Test
	void idWithOtherCharactersHasThemReplacedAndEndsWithAHashOfTheWholeId() {
		assertThat(ToolCalls.portableId("functions.get_weather:0")).isEqualTo("functions_get_weather_0_aD73et-M");
		assertThat(ToolCalls.portableId("call ümlaut/1")).isEqualTo("call__mlaut_1_PMRzFiba");
	}

	@Test
	void sameIdAlwaysGivesTheSamePortableId() {
		String id = "functions.get_time:1";
		assertThat(ToolCalls.portableId(id)).isEqualTo(ToolCalls.portableId(new String(id.toCharArray())));
	}

	@Test
	void idsThatDifferOnlyInReplacedCharactersOrFromAnIdThatNeededNothingStayApart() {
		List<String> ids = List.of("a.b", "a:b", "a b", "a_b", "a/b", "a\uD83D\uDE00b", "a\uD83D\uDE01b");
		List<String> portable = ids.stream().map(ToolCalls::portableId).toList();
		assertThat(portable).doesNotHaveDuplicates().allMatch((id) -> id.matches(PORTABLE));
	}

	@Test
	void replacedIdIsCutBeforeItsHashToFortyCharacters() {
		String prefix = "functions.get_weather_of_a_city_and_its_surroundings:";
		String portable = ToolCalls.portableId(prefix + "0");
		assertThat(portable).hasSize(40).matches(PORTABLE).startsWith("functions_get_weather_of_a_city_");
		assertThat(ToolCalls.portableId(prefix + "1")).hasSize(40).isNotEqualTo(portable);
		String longPortable = "toolu_" + "a".repeat(60);
		assertThat(ToolCalls.portableId(longPortable)).isSameAs(longPortable);
	}

	@Test
	void portableIdOfAPortableIdIsItself() {
		String portable = ToolCalls.portableId("functions.get_weather:0");
		assertThat(ToolCalls.portableId(portable)).isEqualTo(portable);
	}

}
