package io.sigmaquant.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.core.importer.Location;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import java.util.regex.Pattern;

/**
 * The package rules of docs/ARCHITECTURE.md, checked on the main classes of every module (the controller's
 * test class path holds them all): imports run one way only, nothing reaches into a command line, the agent
 * and the protocol stand on their own, and the transports stay in the classes that own them. ArchUnit reads
 * bytecode: a use of nothing but a compile-time constant is inlined by javac and not seen.
 */
@AnalyzeClasses(packages = "io.sigmaquant",
        importOptions = {ImportOption.DoNotIncludeTests.class, ArchitectureTest.NoTestJars.class})
class ArchitectureTest {
    /** The agent's test helpers come as a test jar, which {@link ImportOption.DoNotIncludeTests} lets through. */
    static final class NoTestJars implements ImportOption {
        private static final Pattern TEST_JAR = Pattern.compile(".*-tests\\.jar!.*");

        @Override
        public boolean includes(Location location) {
            return !location.matches(TEST_JAR);
        }
    }

    @ArchTest
    static final ArchRule modules_inAnImportCycle_isRefused = slices().matching("io.sigmaquant.(*)..")
            .should().beFreeOfCycles();

    /**
     * Feature packages one level below a module root (controller.fleet, agent.mqtt, ...), with whatever lies
     * below them: no two import each other, even through others. A module's root package (the agent's wiring,
     * the controller's {@code UserInputException}, the protocol's codec) is not a feature and stays out.
     */
    @ArchTest
    static final ArchRule featurePackages_inAnImportCycle_isRefused = slices().matching("io.sigmaquant.(*).(*)..")
            .should().beFreeOfCycles();

    @ArchTest
    static final ArchRule cliPackages_importedFromOutside_isRefused = noClasses()
            .that().resideOutsideOfPackage("..cli..")
            .should().dependOnClassesThat().resideInAPackage("..cli..")
            .because("a command line is an edge: it uses the system, nothing uses it");

    @ArchTest
    static final ArchRule agent_importingTheController_isRefused = noClasses()
            .that().resideInAPackage("io.sigmaquant.agent..")
            .should().dependOnClassesThat().resideInAPackage("io.sigmaquant.controller..")
            .because("an agent runs on a board without the controller; they share only the protocol");

    @ArchTest
    static final ArchRule protocol_importingAgentControllerOrTransport_isRefused = noClasses()
            .that().resideInAPackage("io.sigmaquant.protocol..")
            .should().dependOnClassesThat().resideInAnyPackage("io.sigmaquant.agent..", "io.sigmaquant.controller..",
                    "io.vertx..", "org.eclipse.paho..")
            .because("the protocol is records and one codec that both sides use");

    @ArchTest
    static final ArchRule paho_outsideTheTwoConnections_isRefused = noClasses()
            .that().haveNameNotMatching(
                    "io\\.sigmaquant\\.(controller\\.fleet\\.FleetConnection|agent\\.mqtt\\.MqttAgentConnection)(\\$.*)?")
            .should().dependOnClassesThat().resideInAPackage("org.eclipse.paho..")
            .because("one class per side owns the MQTT session");

    @ArchTest
    static final ArchRule method_importingVertx_isRefused = noClasses()
            .that().resideInAnyPackage("io.sigmaquant.controller.allocation..", "io.sigmaquant.controller.calibration..",
                    "io.sigmaquant.controller.cost..", "io.sigmaquant.controller.sensitivity..",
                    "io.sigmaquant.controller.quant..", "io.sigmaquant.controller.loop..")
            .should().dependOnClassesThat().resideInAPackage("io.vertx..")
            .because("the method and the loop are plain Java, testable without an event loop");

    @ArchTest
    static final ArchRule controllerMicrometer_outsideTheMetricsPackage_isRefused = noClasses()
            .that().resideInAPackage("io.sigmaquant.controller..")
            .and().resideOutsideOfPackage("io.sigmaquant.controller.metrics..")
            .should().dependOnClassesThat().resideInAPackage("io.micrometer..")
            .because("the controller's meters have one home, ControllerMetrics; the parts it measures tell a "
                    + "listener of their own package (DispatchListener, MessageTraffic, LoopTimings)");
}
