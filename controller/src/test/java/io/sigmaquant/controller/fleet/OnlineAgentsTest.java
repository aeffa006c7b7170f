package io.sigmaquant.controller.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sigmaquant.protocol.message.AgentStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Verifies that agents are chosen by load: the fewest attempts in flight, then the fewest jobs of the run, then
 * the least recently chosen — not by id order — that the avoid-list is respected and that a pick waits for an
 * agent to come online. The registry is fed statuses directly, on a clock the test moves.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class OnlineAgentsTest {
    private static final String CLASS = JobDispatcherTest.CLASS;
    private static final Duration NO_WAIT = Duration.ZERO;

    private final AtomicLong nowMs = new AtomicLong(1_000_000);
    private final FleetRegistry registry = new FleetRegistry(nowMs::get);
    private final OnlineAgents agents = new OnlineAgents(registry);

    private void online(String... ids) {
        for (String id : ids) {
            registry.update(JobDispatcherTest.status(id, AgentStatus.ONLINE));
        }
    }

    private String pick(String run) throws InterruptedException {
        return agents.pick(CLASS, run, Set.of(), NO_WAIT);
    }

    @Test
    void pick_agentsBusy_chosesTheLeastLoaded() throws Exception {
        online("a", "b", "c");
        // given: three attempts in flight, one on each agent, then b's ends
        List<String> first = List.of(pick("r1"), pick("r2"), pick("r3"));
        agents.release("b");

        // when / then: b, the only one with nothing in flight, is next — though a and c come before it or after
        assertThat(first).containsExactlyInAnyOrder("a", "b", "c");
        assertThat(pick("r4")).isEqualTo("b");
        assertThat(agents.load("b")).isEqualTo(1);
        assertThat(agents.load("a")).isEqualTo(1);
    }

    @Test
    void pick_concurrentRuns_neverStackTwoOnOneAgentWhileAnotherIsIdle() throws Exception {
        online("a", "b", "c", "d");

        List<String> chosen = new ArrayList<>();
        for (int run = 0; run < 4; run++) {
            chosen.add(pick("run-" + run)); // none released: all four in flight together
        }

        assertThat(chosen).containsExactlyInAnyOrder("a", "b", "c", "d");
    }

    @Test
    void pick_idleFleet_tiesGoToTheLeastRecentlyChosen() throws Exception {
        online("a", "b", "c", "d", "e");

        List<String> chosen = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            String agent = pick("run-" + i); // each job of another run, one at a time
            chosen.add(agent);
            agents.release(agent);
        }

        // every agent had its turn, twice: not the first ones in id order again and again
        assertThat(chosen.stream().collect(Collectors.groupingBy(a -> a, Collectors.counting())))
                .containsOnlyKeys("a", "b", "c", "d", "e").allSatisfy((agent, n) -> assertThat(n).isEqualTo(2));
    }

    @Test
    void pick_oneRunsSequentialJobs_spreadOverTheIdleAgentsOfTheClass() throws Exception {
        online("a", "b", "c");
        // another run used b and c last, so by recency a would come back first for every job of run r
        String agent = pick("r");
        agents.release(agent);
        for (String other : List.of("b", "c")) {
            assertThat(pick("other")).isEqualTo(other);
            agents.release(other);
        }

        List<String> ofRun = new ArrayList<>(List.of(agent));
        for (int i = 0; i < 2; i++) {
            String next = pick("r");
            ofRun.add(next);
            agents.release(next);
        }

        assertThat(ofRun).containsExactlyInAnyOrder("a", "b", "c");
    }

    @Test
    void pick_agentReportsJobsFromElsewhere_idleOneIsChosen() throws Exception {
        // "a" holds three jobs of another replica (its status says so); nothing is in flight from here
        registry.update(JobDispatcherTest.status("a", AgentStatus.ONLINE).beat(2, nowMs.get(), 3));
        registry.update(JobDispatcherTest.status("b", AgentStatus.ONLINE).beat(2, nowMs.get(), 0));

        assertThat(pick("r")).isEqualTo("b");
        assertThat(pick("r2")).isEqualTo("b"); // one in flight here is still less than a's three
    }

    @Test
    void pick_avoidList_isRespectedWhileAnotherAgentIsOnline() throws Exception {
        online("a", "b");

        assertThat(agents.pick(CLASS, "r", Set.of("a"), NO_WAIT)).isEqualTo("b");
        assertThat(agents.pick(CLASS, "r", Set.of("a"), NO_WAIT)).isEqualTo("b"); // busier, but a is avoided
    }

    @Test
    void pick_onlyAvoidedAgentsOnline_takesOneOfThem() throws Exception {
        online("a");

        assertThat(agents.pick(CLASS, "r", Set.of("a"), NO_WAIT)).isEqualTo("a");
    }

    @Test
    void pick_noAgentOnline_waitsForOneToComeOnline() throws Exception {
        Thread later = new Thread(() -> {
            try {
                Thread.sleep(300);
            } catch (InterruptedException e) {
                return;
            }
            online("late");
        });
        later.start();

        assertThat(agents.pick(CLASS, "r", Set.of(), Duration.ofSeconds(25))).isEqualTo("late");
        later.join();
    }

    @Test
    void pick_noAgentOnlineWithinTheWait_failsNamingTheClass() {
        assertThatThrownBy(() -> pick("r")).isInstanceOf(JobFailedException.class).hasMessageContaining(CLASS);
    }

    @Test
    void pick_staleAgent_isNotChosen() throws Exception {
        registry.update(JobDispatcherTest.status("hung", AgentStatus.ONLINE).beat(2, nowMs.get()));
        online("b");
        agents.pick(CLASS, "r", Set.of(), NO_WAIT); // "b" is now busier than "hung"
        nowMs.addAndGet(FleetRegistry.STALE_AFTER_BEATS * 2_000L + 1);
        registry.update(JobDispatcherTest.status("b", AgentStatus.ONLINE)); // b is heard from, hung is not

        assertThat(registry.sweepStale()).isEqualTo(1);
        assertThat(pick("r")).isEqualTo("b");
    }
}
