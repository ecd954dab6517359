package dev.llmresilience.sample;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.util.FileSystemUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The dashboard in headless Chromium against the running app, used as a newcomer would:
 * faults injected and load started through the page's own controls open the primary
 * model's breaker while the chain keeps answering from its fallback, and recovering
 * closes the breaker again. The {@code dashboard-test} profile makes breakers wait only
 * 2s in open. Leaves a screenshot of the degraded page in
 * {@code target/dashboard-degraded.png}.
 */
@ActiveProfiles({ "simulator", "dashboard-test" })
class DashboardBrowserIT extends AbstractRunningAppTests {

	private static final Path CHROMIUM = Path.of("/usr/bin/chromium");

	private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

	private static final Path SCREENSHOT = Path.of("target", "dashboard-degraded.png");

	/** Longest wait for one thing to show; the page updates once a second. */
	private static final Duration TIMEOUT = Duration.ofSeconds(20);

	@Value("${local.server.port}")
	private int port;

	private Path userDataDir;

	private WebDriver driver;

	private WebDriverWait wait;

	@BeforeEach
	void openBrowser() throws IOException {
		// Here rather than in a @BeforeAll, where surefire would count no test at all
		// instead of
		// a skipped one with this message.
		assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER), "Skipped: needs Chromium at "
				+ CHROMIUM + " and chromedriver at " + CHROMEDRIVER + " (apt-get install chromium chromium-driver)");
		this.userDataDir = Files.createTempDirectory("dashboard-chromium");
		ChromeOptions options = new ChromeOptions();
		// An explicit binary and driver keep Selenium Manager from looking for them
		// online.
		options.setBinary(CHROMIUM.toFile());
		options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
				"--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
				"--window-size=1280,1200", "--hide-scrollbars", "--user-data-dir=" + this.userDataDir);
		ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
			.build();
		this.driver = new ChromeDriver(service, options);
		this.wait = new WebDriverWait(this.driver, TIMEOUT, Duration.ofMillis(100));
		// The chains are drawn anew with every snapshot.
		this.wait.ignoring(StaleElementReferenceException.class);
	}

	@AfterEach
	void closeBrowser() throws IOException {
		if (this.driver != null) {
			this.driver.quit();
		}
		if (this.userDataDir != null) {
			FileSystemUtils.deleteRecursively(this.userDataDir);
		}
		// Before the superclass resets faults and breakers, so no request of the run
		// reopens them.
		this.webClient.delete().uri("/api/load").exchange().expectStatus().isOk();
	}

	@Test
	void primaryBreakerOpensUnderInjectedFailuresWhileTheChainFallsBackAndClosesAfterRecovery() throws IOException {
		this.driver.get("http://localhost:" + this.port + "/");
		this.wait.until(ExpectedConditions.textToBe(state("primary"), "CLOSED"));
		// read in waits, which read again an element redrawn meanwhile
		this.wait.until((driver) -> attributes(By.cssSelector("#models [data-model]"), "data-model")
			.equals(List.of("primary", "secondary")));
		this.wait.until((driver) -> attributes(By.cssSelector("#chains [data-chain]"), "data-chain")
			.equals(List.of("default")));
		this.wait.until(ExpectedConditions.textToBe(serving("default"), "primary"));

		WebElement chaos = this.driver.findElement(By.cssSelector("[data-model='primary'] form.chaos"));
		this.wait.until(ExpectedConditions.visibilityOf(chaos));
		chaos.findElement(By.name("failureRate")).sendKeys(Keys.END);
		new Select(chaos.findElement(By.name("failure"))).selectByValue("server-error");
		chaos.findElement(By.cssSelector("[data-action='apply']")).click();
		this.wait.until(ExpectedConditions.textToBePresentInElement(
				chaos.findElement(By.cssSelector("[data-field='chaosStatus']")), "applied: 100% server-error"));
		this.webClient.get()
			.uri("/simulator/faults/sim-large")
			.exchange()
			.expectBody()
			.jsonPath("$.failure-rate")
			.isEqualTo(1.0)
			.jsonPath("$.failure")
			.isEqualTo("server-error");

		type(By.id("load-rps"), "20");
		type(By.id("load-seconds"), "60");
		this.driver.findElement(By.id("load-stream")).click();
		this.driver.findElement(By.id("load-start")).click();
		this.wait.until(ExpectedConditions.textMatches(By.id("load-state"), Pattern.compile("^running")));

		this.wait
			.until((driver) -> "OPEN".equals(text(state("primary"))) && "secondary".equals(text(serving("default"))));
		// what the fallback's answers cost, and the budgets
		this.wait.until((driver) -> attributes(By.cssSelector("#budgets [data-budget]"), "data-budget")
			.equals(List.of("primary-hourly", "everything-daily")));
		By secondarySpent = By.cssSelector("#model-spend [data-model='secondary'] [data-field='spent']");
		this.wait.until((driver) -> {
			String spent = text(secondarySpent);
			return spent != null && spent.endsWith(" USD") && !spent.equals("0 USD");
		});
		long fallbacks = number(By.cssSelector("[data-field='load-fallbacks']"));
		this.wait.until((driver) -> number(By.cssSelector("[data-field='load-fallbacks']")) > fallbacks);
		assertThat(number(By.cssSelector("[data-field='load-failed']"))).isZero();
		Files.createDirectories(SCREENSHOT.getParent());
		Files.write(SCREENSHOT, ((TakesScreenshot) this.driver).getScreenshotAs(OutputType.BYTES));

		this.driver.findElement(By.id("recover")).click();
		this.wait
			.until((driver) -> "CLOSED".equals(text(state("primary"))) && "primary".equals(text(serving("default"))));
		this.driver.findElement(By.id("load-stop")).click();
		this.wait.until(ExpectedConditions.textMatches(By.id("load-state"), Pattern.compile("^stopped")));
	}

	private static By state(String model) {
		return By.cssSelector("#models [data-model='" + model + "'] [data-field='state']");
	}

	private static By serving(String chain) {
		return By.cssSelector("#chains [data-chain='" + chain + "'] [data-field='serving']");
	}

	private String text(By locator) {
		List<WebElement> found = this.driver.findElements(locator);
		return found.isEmpty() ? null : found.get(0).getText();
	}

	private long number(By locator) {
		return Long.parseLong(text(locator));
	}

	private List<String> attributes(By locator, String attribute) {
		return this.driver.findElements(locator).stream().map((element) -> element.getDomAttribute(attribute)).toList();
	}

	private void type(By locator, String text) {
		WebElement input = this.driver.findElement(locator);
		input.clear();
		input.sendKeys(text);
	}

}
