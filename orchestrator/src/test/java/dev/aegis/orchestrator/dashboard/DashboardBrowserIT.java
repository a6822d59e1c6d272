package dev.aegis.orchestrator.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aegis.events.Topics;
import dev.aegis.orchestrator.security.StaticTokens;
import dev.aegis.orchestrator.testsupport.AegisComponentTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Locale;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * The SRE dashboard in a real browser: headless Chromium (Debian's {@code chromium} and {@code
 * chromium-driver}) against the standalone application with its demo (seeded cluster, workload
 * simulator, one good and one bad demo experiment, canary steps of 15 s). Skipped, with the reason,
 * only where no Chromium is installed ({@link ChromiumInstalled}); CI installs it.
 *
 * <p>Screenshots go to {@code target/screenshots/}; with {@code -Daegis.docs.update=true} they are
 * also copied to {@code docs/images/} for docs/quickstart.md.
 */
@ExtendWith(DashboardBrowserIT.ChromiumInstalled.class)
@AegisComponentTest(
    webEnvironment = WebEnvironment.RANDOM_PORT,
    properties = {
      "aegis.api.auth=token",
      "aegis.simulator.enabled=true",
      "aegis.simulator.step-duration=PT15S",
      "aegis.simulator.tick=500ms"
    })
class DashboardBrowserIT {

  private static final Path CHROMIUM =
      Path.of(System.getProperty("aegis.chromium", "/usr/bin/chromium"));
  private static final Path CHROMEDRIVER =
      Path.of(System.getProperty("aegis.chromedriver", "/usr/bin/chromedriver"));
  private static final Duration WAIT = Duration.ofMinutes(2);
  private static final ObjectMapper JSON = new ObjectMapper();

  private static ChromeDriver browser;

  @LocalServerPort int port;
  @Autowired KafkaTemplate<byte[], byte[]> kafka;
  @Autowired StaticTokens tokens;

  /**
   * Skips the class, with the reason in the test report, where no Chromium is installed; evaluated
   * before the application starts, so a machine without a browser does not pay for it.
   */
  static final class ChromiumInstalled implements ExecutionCondition {
    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
      return Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER)
          ? ConditionEvaluationResult.enabled(
              "Chromium at " + CHROMIUM + ", chromedriver at " + CHROMEDRIVER)
          : ConditionEvaluationResult.disabled(
              "SKIPPED the dashboard browser test: no Chromium at "
                  + CHROMIUM
                  + " or no chromedriver at "
                  + CHROMEDRIVER
                  + ". Install them (Debian: apt-get install chromium "
                  + "chromium-driver) or point -Daegis.chromium / -Daegis.chromedriver at them. CI (.ci/run) installs "
                  + "them.");
    }
  }

  /** Starts the browser before the application, so the page can open as soon as the demo starts. */
  @BeforeAll
  static void startBrowser() {
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--window-size=1440,900",
        "--force-device-scale-factor=1",
        "--lang=en-GB");
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(CHROMEDRIVER.toFile())
            .usingAnyFreePort()
            .build();
    browser = new ChromeDriver(service, options);
  }

  @AfterAll
  static void stopBrowser() {
    if (browser != null) {
      browser.quit();
    }
  }

  @Test
  @DisplayName(
      "the dashboard shows a canary's weight change live, a quarantined candidate's RCA, an experiment's "
          + "charts, a dead letter's replay and a chaos fault stopped by the kill switch, all in one page session")
  void watchesTheDemoLive() throws Exception {
    browser.get(url("/"));
    WebDriverWait wait = new WebDriverWait(browser, WAIT, Duration.ofMillis(200));
    // Nothing is shown without a principal: the page asks for a token and exchanges it for a
    // session cookie.
    WebElement login =
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("login-dialog")));
    login.findElement(By.id("login-token")).sendKeys("not-a-token");
    login.findElement(By.id("login-submit")).click();
    wait.until(
        ExpectedConditions.textToBePresentInElementLocated(By.id("login-status"), "Login refused"));
    login.findElement(By.id("login-token")).clear();
    login.findElement(By.id("login-token")).sendKeys(tokens.devToken());
    login.findElement(By.id("login-submit")).click();
    wait.until(ExpectedConditions.invisibilityOfElementLocated(By.id("login-dialog")));
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("whoami"), "dev"));
    assertThat(browser.manage().getCookieNamed("AEGIS_SESSION"))
        .isNotNull()
        .satisfies(c -> assertThat(c.isHttpOnly()).isTrue());
    wait.until(ExpectedConditions.textToBe(By.id("connection"), "Live"));
    markPageSession();

    // V1: checkout's canary moves from 10% to 50% on screen, pushed by the live stream
    By checkoutWeight =
        By.cssSelector("#canaries tr[data-service='checkout'] [data-field='weight']");
    wait.until(ExpectedConditions.textToBe(checkoutWeight, "10%"));
    wait.until(ExpectedConditions.textToBe(checkoutWeight, "50%"));
    assertSamePageSession();

    // V3: payments is quarantined; its RCA opens from the keyboard and names the failed check and
    // its value
    By rcaButton = By.cssSelector("#quarantine tr[data-service='payments'] button.rca-open");
    WebElement open = wait.until(ExpectedConditions.elementToBeClickable(rcaButton));
    String paymentsId =
        browser
            .findElement(By.cssSelector("#quarantine tr[data-service='payments']"))
            .getDomAttribute("data-experiment");
    screenshot("dashboard-overview", true);
    open.sendKeys(Keys.ENTER);
    WebElement dialog =
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("rca-dialog")));
    WebElement errorRate =
        wait.until(
            ExpectedConditions.presenceOfElementLocated(
                By.cssSelector("#rca-checks tr[data-check='error-rate']")));
    JsonNode rca = getJson("/api/v1/quarantine/" + paymentsId + "/rca");
    JsonNode failed = failedCheck(rca, "error-rate");
    assertThat(errorRate.findElement(By.tagName("th")).getText()).isEqualTo("error-rate");
    assertThat(errorRate.findElement(By.cssSelector("[data-field='observed']")).getText())
        .isEqualTo(String.format(Locale.ROOT, "%.2f%%", failed.path("observed").asDouble() * 100));
    assertThat(dialog.getText())
        .contains("payments")
        .contains(rca.path("summary").asText())
        .contains(failed.path("message").asText());
    screenshot("dashboard-rca", false);
    dialog.findElement(By.id("rca-close")).click();
    wait.until(ExpectedConditions.invisibilityOf(dialog));

    // the experiment page: timeline and canary-vs-baseline charts of checkout, once it is promoted
    wait.until(
            ExpectedConditions.elementToBeClickable(
                By.cssSelector("#experiments tr[data-service='checkout'] a")))
        .click();
    wait.until(
        ExpectedConditions.textToBePresentInElementLocated(By.id("experiment-title"), "checkout"));
    wait.until(
        ExpectedConditions.textToBePresentInElementLocated(By.id("experiment-title"), "promoted"));
    wait.until(d -> browser.findElements(By.cssSelector("#windows tbody tr")).size() > 3);
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("timeline"), "promoted"));
    assertThat(browser.findElement(By.id("timeline")).getText())
        .contains("canary")
        .contains("step 2, 50%");
    assertThat(
            (Boolean)
                script(
                    "return !!window.Chart && !!window.Chart.getChart(document.getElementById('error-chart'))"))
        .as("Chart.js, served from its WebJar, drew the error-rate chart")
        .isTrue();
    assertThat(browser.findElement(By.cssSelector("#windows tbody")).getDomProperty("textContent"))
        .contains("canary")
        .contains("baseline");
    screenshot("dashboard-experiment", true);

    // dead letters: a bad record appears live, and the replay button replays it
    browser.findElement(By.cssSelector("a[data-nav='dead-letters']")).click();
    kafka
        .send(
            new ProducerRecord<>(
                Topics.HEALTH,
                "checkout".getBytes(StandardCharsets.UTF_8),
                "{\"not\": \"a CloudEvent\"}".getBytes(StandardCharsets.UTF_8)))
        .get();
    WebElement replay =
        wait.until(
            ExpectedConditions.elementToBeClickable(By.cssSelector("#dead-letters button.replay")));
    String deadLetterId =
        replay.findElement(By.xpath("./ancestor::tr")).getDomAttribute("data-dead-letter");
    replay.click();
    wait.until(
        ExpectedConditions.textToBePresentInElementLocated(
            By.id("replay-status"), "Dead letter " + deadLetterId + " replayed"));
    wait.until(
        ExpectedConditions.textToBePresentInElementLocated(
            By.cssSelector(
                "#dead-letters tr[data-dead-letter='" + deadLetterId + "'] [data-field='replays']"),
            "1"));
    screenshot("dashboard-dead-letters", false);

    // chaos: a fault injected over the API appears live, and "Stop all chaos" reverts it and halts
    // chaos
    browser.findElement(By.cssSelector("a[data-nav='overview']")).click();
    String faultId =
        post(
                "/api/v1/chaos/faults",
                """
        {"kind": "pod-kill", "target": {"namespace": "demo", "service": "checkout", "track": "stable"},
         "duration": "PT5M", "production": true, "parameters": {"share": 0.1}, "reason": "dashboard test"}""")
            .path("faultId")
            .asText();
    By faultRow = By.cssSelector("#chaos tr[data-fault='" + faultId + "']");
    wait.until(ExpectedConditions.visibilityOfElementLocated(faultRow));
    assertThat(browser.findElement(faultRow).getText())
        .contains("demo/checkout (stable)")
        .contains("pod-kill");
    browser.findElement(By.id("chaos-stop")).click();
    wait.until(
        ExpectedConditions.textToBePresentInElementLocated(
            By.id("chaos-status"), "Chaos halted: 1 fault(s)"));
    wait.until(ExpectedConditions.invisibilityOfElementLocated(faultRow));
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("chaos-halted")));
    assertThat(getJson("/api/v1/chaos/faults/" + faultId).path("endReason").asText())
        .isEqualTo("kill-switch");
    assertSamePageSession();
  }

  private JsonNode post(String path, String body) throws Exception {
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(url(path)))
                    .header("Authorization", "Bearer " + tokens.devToken())
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    return JSON.readTree(r.body());
  }

  private String url(String path) {
    return "http://127.0.0.1:" + port + path;
  }

  /** Marks the loaded page; a reload would lose the mark. */
  private void markPageSession() {
    script("window.aegisTestSession = 'one page session'");
  }

  private void assertSamePageSession() {
    assertThat(script("return window.aegisTestSession"))
        .as("the page was never reloaded")
        .isEqualTo("one page session");
  }

  private Object script(String js) {
    return ((JavascriptExecutor) browser).executeScript(js);
  }

  private static JsonNode failedCheck(JsonNode rca, String name) {
    for (JsonNode c : rca.path("checks")) {
      if (c.path("check").asText().equals(name)) {
        return c;
      }
    }
    throw new AssertionError("the RCA has no failed " + name + " check: " + rca);
  }

  private JsonNode getJson(String path) throws Exception {
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(url(path)))
                    .header("Authorization", "Bearer " + tokens.devToken())
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return JSON.readTree(r.body());
  }

  /**
   * Saves a PNG of the page (the whole page when {@code fullPage}), and copies it to docs/images/
   * when asked.
   */
  private void screenshot(String name, boolean fullPage) {
    WebDriver.Window window = browser.manage().window();
    Dimension before = window.getSize();
    script("window.scrollTo(0, 0)");
    script("window.scrollTo(0, 0)");
    if (fullPage) {
      long height = (Long) script("return Math.ceil(document.documentElement.scrollHeight)");
      window.setSize(
          new Dimension(
              before.getWidth(), (int) Math.min(Math.max(height + 120, before.getHeight()), 2600)));
    }
    try {
      byte[] png = browser.getScreenshotAs(OutputType.BYTES);
      Path file = Path.of("target", "screenshots", name + ".png");
      Files.createDirectories(file.getParent());
      Files.write(file, png);
      if (Boolean.getBoolean("aegis.docs.update")) {
        Path images = repositoryRoot().resolve("docs").resolve("images");
        Files.createDirectories(images);
        Files.copy(file, images.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      if (fullPage) {
        window.setSize(before);
      }
    }
  }

  private static Path repositoryRoot() {
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isDirectory(p.resolve("docs")) && Files.exists(p.resolve("mvnw"))) {
        return p;
      }
    }
    throw new IllegalStateException(
        "no repository root (with docs/ and mvnw) above " + Path.of("").toAbsolutePath());
  }
}
