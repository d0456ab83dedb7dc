package crimegraph;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

import org.neo4j.configuration.Config;
import org.neo4j.configuration.GraphDatabaseInternalSettings;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.SettingImpl;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.graphdb.config.Setting;
import org.neo4j.harness.Neo4j;
import org.neo4j.harness.Neo4jBuilder;
import org.neo4j.harness.Neo4jBuilders;
import org.neo4j.io.ByteUnit;

/**
 * Starts Neo4j 5 Community in-process (via org.neo4j.test:neo4j-harness) for crimegraph's tests.
 *
 * <pre>
 * java -cp 'target/neo4j-server.jar:target/lib/*' crimegraph.Neo4jServer --port 7687
 *     [--data DIR] [--logs DIR] [--auth USER:PASSWORD] [--pagecache-mb N]
 *     [--conf NAME=VALUE]... [--watch-stdin] [--self-test]
 * </pre>
 *
 * <ul>
 *   <li>Bolt listens on 127.0.0.1:PORT only, unencrypted. {@code --port 0} picks a free port.</li>
 *   <li>HTTP and HTTPS connectors are disabled.</li>
 *   <li>Without {@code --auth}, authentication is disabled: clients may send no auth or any
 *       user/password.</li>
 *   <li>With {@code --auth USER:PASSWORD}, authentication is enabled and USER is created (or
 *       reset) with that password, no change required.</li>
 *   <li>Without {@code --data}, the store lives in a throw-away temp folder deleted on exit. With
 *       {@code --data DIR}, DIR is the Neo4j data directory (databases/, transactions/, dbms/)
 *       and survives restarts.</li>
 *   <li>stdout carries exactly one line, {@code READY bolt://127.0.0.1:PORT}, once Bolt accepts
 *       connections; everything else goes to stderr (Neo4j's own logs go to files under its home
 *       folder, printed on stderr at start, or to {@code --logs DIR}).</li>
 *   <li>SIGTERM / SIGINT shut the database down cleanly and exit with status 0.
 *       {@code --watch-stdin} also shuts down when stdin reaches EOF (parent went away).</li>
 *   <li>{@code --pagecache-mb N}: page cache size (default 64). {@code --conf NAME=VALUE}: any
 *       Neo4j setting by its neo4j.conf name, e.g. {@code --conf db.logs.query.enabled=OFF}.</li>
 *   <li>{@code --self-test}: after READY, run a few queries over Bolt with the Java driver, stop,
 *       and exit 0 if they all gave the expected answers (1 otherwise).</li>
 *   <li>Exit status 2 for bad arguments, 1 if the server could not start.</li>
 * </ul>
 */
public final class Neo4jServer {
    private static final String HOST = "127.0.0.1";

    private Neo4jServer() {}

    private static final class Options {
        Integer port;
        Path data;
        Path logs;
        String authUser;
        String authPassword;
        long pagecacheMb = 64;
        boolean watchStdin;
        boolean selfTest;
        final Map<String, String> conf = new LinkedHashMap<>();
    }

    private static void usage(PrintStream err) {
        err.println("usage: Neo4jServer --port PORT [--data DIR] [--logs DIR] [--auth USER:PASSWORD]");
        err.println("                   [--pagecache-mb N] [--conf NAME=VALUE]... [--watch-stdin] [--self-test]");
    }

    private static Options parse(String[] args) {
        Options o = new Options();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String value = null;
            int eq = a.indexOf('=');
            if (a.startsWith("--") && eq > 0) {
                value = a.substring(eq + 1);
                a = a.substring(0, eq);
            }
            switch (a) {
                case "-h":
                case "--help":
                    usage(System.err);
                    System.exit(0);
                    break;
                case "--watch-stdin":
                    o.watchStdin = true;
                    break;
                case "--self-test":
                    o.selfTest = true;
                    break;
                case "--port":
                case "--data":
                case "--logs":
                case "--auth":
                case "--pagecache-mb":
                case "--conf":
                    if (value == null) {
                        if (i + 1 >= args.length) {
                            throw new IllegalArgumentException(a + " needs a value");
                        }
                        value = args[++i];
                    }
                    apply(o, a, value);
                    break;
                default:
                    throw new IllegalArgumentException("unknown argument: " + args[i]);
            }
        }
        if (o.port == null) {
            throw new IllegalArgumentException("--port is required");
        }
        return o;
    }

    private static void apply(Options o, String name, String value) {
        switch (name) {
            case "--port":
                int p;
                try {
                    p = Integer.parseInt(value.trim());
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("bad --port: " + value);
                }
                if (p < 0 || p > 65535) {
                    throw new IllegalArgumentException("bad --port: " + value);
                }
                o.port = p;
                break;
            case "--data":
                o.data = Path.of(value).toAbsolutePath().normalize();
                break;
            case "--logs":
                o.logs = Path.of(value).toAbsolutePath().normalize();
                break;
            case "--auth":
                int colon = value.indexOf(':');
                if (colon <= 0 || colon == value.length() - 1) {
                    throw new IllegalArgumentException("--auth wants USER:PASSWORD");
                }
                o.authUser = value.substring(0, colon);
                o.authPassword = value.substring(colon + 1);
                break;
            case "--pagecache-mb":
                try {
                    o.pagecacheMb = Long.parseLong(value.trim());
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("bad --pagecache-mb: " + value);
                }
                if (o.pagecacheMb < 1) {
                    throw new IllegalArgumentException("bad --pagecache-mb: " + value);
                }
                break;
            case "--conf":
                int e = value.indexOf('=');
                if (e <= 0) {
                    throw new IllegalArgumentException("--conf wants NAME=VALUE");
                }
                o.conf.put(value.substring(0, e).trim(), value.substring(e + 1).trim());
                break;
            default:
                throw new IllegalStateException(name);
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static void applyRawConf(Neo4jBuilder builder, Map<String, String> conf) {
        if (conf.isEmpty()) {
            return;
        }
        Map<String, Setting<Object>> declared = Config.defaults().getDeclaredSettings();
        for (Map.Entry<String, String> kv : conf.entrySet()) {
            Setting<Object> setting = declared.get(kv.getKey());
            if (setting == null) {
                throw new IllegalArgumentException("unknown Neo4j setting: " + kv.getKey());
            }
            Object parsed = ((SettingImpl) setting).parse(kv.getValue());
            builder.withConfig(setting, parsed);
        }
    }

    private static void waitForBolt(int port, long timeoutMillis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        IOException last = null;
        while (System.currentTimeMillis() < deadline) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(HOST, port), 1000);
                return;
            } catch (IOException e) {
                last = e;
                Thread.sleep(50);
            }
        }
        throw new IllegalStateException("Bolt did not accept connections on " + HOST + ":" + port, last);
    }

    private static void dumpLogs(Path home, PrintStream err) {
        if (home == null || !Files.isDirectory(home)) {
            return;
        }
        try (Stream<Path> files = Files.walk(home)) {
            List<Path> logs = new ArrayList<>();
            files.filter(f -> f.getFileName().toString().endsWith(".log")).forEach(logs::add);
            for (Path f : logs) {
                err.println("---------- " + f + " ----------");
                List<String> lines = Files.readAllLines(f);
                int from = Math.max(0, lines.size() - 200);
                lines.subList(from, lines.size()).forEach(err::println);
            }
        } catch (IOException | RuntimeException e) {
            err.println("neo4j-server: could not read logs under " + home + ": " + e);
        }
    }

    public static void main(String[] args) {
        // Keep stdout for the READY line only; anything else that prints goes to stderr.
        final PrintStream out = System.out;
        final PrintStream err = System.err;
        System.setOut(err);

        final Options opts;
        try {
            opts = parse(args);
        } catch (IllegalArgumentException e) {
            err.println("neo4j-server: " + e.getMessage());
            usage(err);
            System.exit(2);
            return;
        }

        final CountDownLatch stop = new CountDownLatch(1);
        final AtomicBoolean closed = new AtomicBoolean(false);
        final Neo4j[] holder = new Neo4j[1];
        final Path[] home = new Path[1];
        final int[] port = new int[1];

        // Clean shutdown on SIGTERM / SIGINT (exit 0) and on any other JVM exit.
        Runnable closer = () -> {
            if (closed.compareAndSet(false, true)) {
                err.println("neo4j-server: shutting down");
                if (holder[0] != null) {
                    try {
                        holder[0].close();
                        err.println("neo4j-server: stopped");
                    } catch (Throwable e) {
                        err.println("neo4j-server: error during shutdown: " + e);
                    }
                }
                deleteTree(home[0], err);
                err.flush();
            }
        };
        // Installed before start so that a signal during start-up still ends in a clean stop.
        Runtime.getRuntime().addShutdownHook(new Thread(closer, "neo4j-server-shutdown"));
        installSignal("TERM", stop, err);
        installSignal("INT", stop, err);

        Path workDir = null;
        final Neo4j neo4j;
        long t0 = System.nanoTime();
        try {
            workDir = Files.createTempDirectory("crimegraph-neo4j-");
            home[0] = workDir;
            Neo4jBuilder builder = Neo4jBuilders.newInProcessBuilder(workDir)
                    .withDisabledServer() // no HTTP / HTTPS connectors
                    .withConfig(BoltConnector.enabled, true)
                    .withConfig(BoltConnector.listen_address, new SocketAddress(HOST, opts.port))
                    .withConfig(BoltConnector.advertised_address, new SocketAddress(HOST, opts.port))
                    .withConfig(BoltConnector.encryption_level, BoltConnector.EncryptionLevel.DISABLED)
                    .withConfig(GraphDatabaseSettings.pagecache_memory, ByteUnit.mebiBytes(opts.pagecacheMb))
                    .withConfig(GraphDatabaseSettings.udc_enabled, false)
                    // Throw-away test databases: don't preallocate 256 MiB transaction log files.
                    .withConfig(GraphDatabaseSettings.preallocate_logical_logs, false)
                    .withConfig(GraphDatabaseSettings.logical_log_rotation_threshold, ByteUnit.mebiBytes(32))
                    .withConfig(GraphDatabaseSettings.keep_logical_logs, "keep_none")
                    // Netty's default 5 s quiet period (per event loop group) makes shutdown take ~10 s.
                    .withConfig(GraphDatabaseInternalSettings.netty_server_shutdown_quiet_period, 0)
                    .withConfig(GraphDatabaseInternalSettings.netty_server_shutdown_timeout, Duration.ofSeconds(5))
                    .withConfig(GraphDatabaseSettings.auth_enabled, opts.authUser != null);
            if (opts.authUser != null) {
                builder.withConfig(GraphDatabaseSettings.auth_minimum_password_length, 1);
            }
            if (opts.data != null) {
                Files.createDirectories(opts.data);
                builder.withConfig(GraphDatabaseSettings.data_directory, opts.data);
            }
            if (opts.logs != null) {
                Files.createDirectories(opts.logs);
                builder.withConfig(GraphDatabaseSettings.logs_directory, opts.logs);
            }
            applyRawConf(builder, opts.conf);

            err.println("neo4j-server: starting Neo4j (home under " + workDir
                    + (opts.data != null ? ", data " + opts.data : ", throw-away data") + ")");
            neo4j = builder.build();
            holder[0] = neo4j;
        } catch (Throwable e) {
            err.println("neo4j-server: failed to start Neo4j: " + e);
            Throwable c = e.getCause();
            while (c != null) {
                err.println("  caused by: " + c);
                c = c.getCause();
            }
            dumpLogs(workDir, err);
            if (opts.logs != null) {
                dumpLogs(opts.logs, err);
            }
            deleteTree(workDir, err);
            err.flush();
            // halt: Neo4j may have left non-daemon threads behind.
            Runtime.getRuntime().halt(1);
            return;
        }


        try {
            if (opts.authUser != null) {
                neo4j.databaseManagementService()
                        .database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME)
                        .executeTransactionally(
                                "CREATE OR REPLACE USER " + quoteIdent(opts.authUser)
                                        + " SET PLAINTEXT PASSWORD $password CHANGE NOT REQUIRED",
                                Map.of("password", opts.authPassword));
            }
            if (stop.getCount() == 0) {
                err.println("neo4j-server: stop requested during start-up");
                closer.run();
                Runtime.getRuntime().halt(0);
                return;
            }
            URI bolt = neo4j.boltURI();
            port[0] = bolt.getPort();
            waitForBolt(port[0], 30_000);
            out.println("READY bolt://" + HOST + ":" + port[0]);
            out.flush();
            err.printf("neo4j-server: Bolt ready on %s:%d after %d ms%s%n", HOST, port[0],
                    (System.nanoTime() - t0) / 1_000_000,
                    opts.authUser != null ? " (auth enabled, user " + opts.authUser + ")" : " (auth disabled)");
        } catch (Throwable e) {
            err.println("neo4j-server: failed after start: " + e);
            closer.run();
            Runtime.getRuntime().halt(1);
            return;
        }

        try {
            String version = neo4j.defaultDatabaseService()
                    .executeTransactionally(
                            "CALL dbms.components() YIELD versions, edition "
                                    + "RETURN versions[0] + ' ' + edition AS v",
                            Map.of(),
                            r -> r.hasNext() ? String.valueOf(r.next().get("v")) : "?");
            err.println("neo4j-server: Neo4j " + version);
        } catch (Throwable e) {
            err.println("neo4j-server: could not read Neo4j version: " + e);
        }

        if (opts.selfTest) {
            int status = selfTest(port[0], opts, err);
            closer.run();
            System.exit(status);
            return;
        }

        if (opts.watchStdin) {
            Thread watcher = new Thread(() -> {
                try {
                    InputStream in = System.in;
                    byte[] buf = new byte[256];
                    while (in.read(buf) >= 0) {
                        // discard
                    }
                } catch (IOException ignored) {
                    // treat as EOF
                }
                err.println("neo4j-server: stdin closed");
                stop.countDown();
            }, "neo4j-server-stdin-watch");
            watcher.setDaemon(true);
            watcher.start();
        }

        try {
            stop.await();
        } catch (InterruptedException ignored) {
            Thread.currentThread().interrupt();
        }
        closer.run();
        // exit (not return): leftover non-daemon threads must not keep the process alive.
        System.exit(0);
    }

    /**
     * Talks to the server over Bolt with the Java driver the harness brings along, the way the
     * Python code will: returns the exit status (0 = all good).
     */
    private static int selfTest(int port, Options opts, PrintStream err) {
        org.neo4j.driver.AuthToken token = opts.authUser == null
                ? org.neo4j.driver.AuthTokens.none()
                : org.neo4j.driver.AuthTokens.basic(opts.authUser, opts.authPassword);
        try (org.neo4j.driver.Driver driver = org.neo4j.driver.GraphDatabase.driver(
                        "bolt://" + HOST + ":" + port, token,
                        org.neo4j.driver.Config.builder().withoutEncryption().build());
                org.neo4j.driver.Session session = driver.session()) {
            long one = session.run("RETURN 1 AS x").single().get("x").asLong();
            session.run("CREATE INDEX crimegraph_selftest IF NOT EXISTS FOR (n:CrimegraphSelfTest) ON (n.key)")
                    .consume();
            session.run("MERGE (a:CrimegraphSelfTest {key: $k}) SET a.name = $n "
                                    + "MERGE (b:CrimegraphSelfTest {key: $k2}) "
                                    + "MERGE (a)-[:KNOWS {since: 2024}]->(b)",
                            Map.of("k", "a", "n", "Alice", "k2", "b"))
                    .consume();
            long rels = session.run("MATCH (:CrimegraphSelfTest)-[r:KNOWS]->(:CrimegraphSelfTest) "
                                    + "RETURN count(r) AS c")
                    .single().get("c").asLong();
            var comp = session.run("CALL dbms.components() YIELD name, versions, edition "
                                    + "RETURN name, versions[0] AS version, edition")
                    .single();
            session.run("MATCH (n:CrimegraphSelfTest) DETACH DELETE n").consume();
            session.run("DROP INDEX crimegraph_selftest IF EXISTS").consume();
            String version = comp.get("version").asString();
            String edition = comp.get("edition").asString();
            if (one != 1 || rels != 1 || !version.startsWith("5.") || !"community".equals(edition)) {
                err.printf("neo4j-server: SELF-TEST FAILED (one=%d rels=%d version=%s edition=%s)%n",
                        one, rels, version, edition);
                return 1;
            }
            err.println("neo4j-server: SELF-TEST OK (Neo4j " + version + " " + edition + " over Bolt)");
            return 0;
        } catch (Throwable e) {
            err.println("neo4j-server: SELF-TEST FAILED: " + e);
            return 1;
        }
    }

    /** Removes the temp folder this process created (never --data or --logs). */
    private static void deleteTree(Path root, PrintStream err) {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try (Stream<Path> files = Files.walk(root)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> {
                try {
                    Files.deleteIfExists(f);
                } catch (IOException e) {
                    err.println("neo4j-server: could not delete " + f + ": " + e);
                }
            });
        } catch (IOException e) {
            err.println("neo4j-server: could not clean " + root + ": " + e);
        }
    }

    private static String quoteIdent(String name) {
        return "`" + name.replace("`", "``") + "`";
    }

    private static void installSignal(String name, CountDownLatch stop, PrintStream err) {
        try {
            sun.misc.Signal.handle(new sun.misc.Signal(name), sig -> stop.countDown());
        } catch (Throwable e) {
            // Falls back to the shutdown hook (exit status 128+signal instead of 0).
            err.println("neo4j-server: cannot handle SIG" + name + ": " + e);
        }
    }
}
