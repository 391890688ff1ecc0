package dev.trawl.support;

import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Headless Debian Chromium driven through Debian's chromedriver, both named explicitly so Selenium
 * Manager never downloads a browser or a driver. The flags keep Chromium off the network: it
 * talks to 127.0.0.1 only.
 */
public final class Browser implements AutoCloseable {

    public static final String CHROMIUM = "/usr/bin/chromium";
    public static final String CHROMEDRIVER = "/usr/bin/chromedriver";
    private static final Duration WAIT = Duration.ofSeconds(30);

    private final ChromeDriver driver;
    private final Path profile;

    public Browser() {
        try {
            profile = Files.createTempDirectory("trawl-chromium");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        System.setProperty("webdriver.chrome.driver", CHROMEDRIVER);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER))
                .usingAnyFreePort()
                .build();
        ChromeOptions options = new ChromeOptions()
                .setBinary(CHROMIUM)
                .addArguments(
                        "--headless=new",
                        "--no-sandbox",
                        "--disable-gpu",
                        "--disable-dev-shm-usage",
                        "--disable-quic",
                        "--no-first-run",
                        "--disable-background-networking",
                        "--disable-component-update",
                        "--disable-sync",
                        "--window-size=1280,1000",
                        "--user-data-dir=" + profile);
        driver = new ChromeDriver(service, options);
    }

    public void open(String url) {
        driver.get(url);
    }

    public ChromeDriver driver() {
        return driver;
    }

    public Object script(String script, Object... args) {
        return driver.executeScript(script, args);
    }

    /** The element with this data-testid once it is on the page. */
    public WebElement byTestId(String testId) {
        return await().atMost(WAIT)
                .ignoreExceptions()
                .until(() -> driver.findElement(By.cssSelector("[data-testid='" + testId + "']")), e -> e != null);
    }

    public List<WebElement> allByTestId(String testId) {
        return driver.findElements(By.cssSelector("[data-testid='" + testId + "']"));
    }

    /** The texts of the elements with this data-testid, as they are now. */
    public List<String> texts(String testId) {
        try {
            return allByTestId(testId).stream().map(WebElement::getText).toList();
        } catch (StaleElementReferenceException replacedMeanwhile) {
            return List.of();
        }
    }

    public void type(String testIdOrCss, String text) {
        WebElement field =
                testIdOrCss.startsWith("#") ? driver.findElement(By.cssSelector(testIdOrCss)) : byTestId(testIdOrCss);
        field.clear();
        field.sendKeys(text);
    }

    /** Types the key into the console's key form, as a user would. */
    public void useKey(String key) {
        await().atMost(WAIT).ignoreExceptions().until(() -> {
            driver.findElement(By.id("key-input")).sendKeys(key);
            driver.findElement(By.cssSelector("#key-form button[type=submit]")).click();
            return true;
        });
    }

    public void screenshot(Path to) {
        File shot = driver.getScreenshotAs(OutputType.FILE);
        try {
            Files.createDirectories(to.toAbsolutePath().getParent());
            Files.copy(shot.toPath(), to, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        driver.quit();
    }
}
