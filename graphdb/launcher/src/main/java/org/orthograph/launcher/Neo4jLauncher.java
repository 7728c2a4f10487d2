package org.orthograph.launcher;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.neo4j.configuration.GraphDatabaseInternalSettings;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.connectors.HttpsConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.io.ByteUnit;
import org.neo4j.logging.Level;
import org.neo4j.logging.log4j.Log4jLogProvider;

/**
 * Runs Neo4j Community embedded, with Bolt on one loopback address, for the local stack.
 *
 * <p>Development and tests get the same server version and the same authentication as the
 * production image (which is configured with {@code NEO4J_AUTH=neo4j/<password>}) without a Neo4j
 * install or Docker. The Python side ({@code stack/neo4j.py}) starts this class in the background,
 * waits for the ready line on stdout and stops it with SIGTERM; the shutdown hook then closes the
 * stores cleanly so the next start needs no recovery.
 *
 * <p>Usage: {@code java -Xmx1g -jar orthograph-neo4j-launcher.jar --home DIR --bolt HOST:PORT
 * [--page-cache SIZE]} with {@code ORTHOGRAPH_NEO4J_PASSWORD} in the environment. Data goes to
 * {@code DIR/neo4j}, Neo4j's own logs to {@code DIR/logs/neo4j}.
 *
 * <p>Neo4j's plugin directory is the {@code plugins} folder beside this jar (built by Maven: the
 * orthograph Cypher functions and JTS), the same jars the production image loads from
 * {@code /plugins}, so both servers answer {@code orthograph.wkt(...)} alike.
 */
public final class Neo4jLauncher {

    /** The environment variable that carries the password of the {@code neo4j} user. */
    static final String PASSWORD_VARIABLE = "ORTHOGRAPH_NEO4J_PASSWORD";

    private static final String READY_PREFIX = "orthograph-neo4j ready bolt://";
    private static final Duration STARTUP_WAIT = Duration.ofSeconds(120);
    private static final int EXIT_USAGE = 2;
    private static final int EXIT_FAILED = 1;

    private Neo4jLauncher() {}

    /** Command-line options; parsing rejects anything the launcher would otherwise guess at. */
    record Options(Path home, SocketAddress bolt, long pageCacheBytes) {

        static Options parse(String[] args) {
            Path home = null;
            SocketAddress bolt = new SocketAddress("127.0.0.1", BoltConnector.DEFAULT_PORT);
            long pageCache = ByteUnit.parse("512m");
            for (int i = 0; i < args.length; i += 2) {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("option " + args[i] + " needs a value");
                }
                String value = args[i + 1];
                switch (args[i]) {
                    case "--home" -> home = Path.of(value).toAbsolutePath();
                    case "--bolt" -> bolt = parseAddress(value);
                    case "--page-cache" -> pageCache = ByteUnit.parse(value);
                    default -> throw new IllegalArgumentException("unknown option " + args[i]);
                }
            }
            if (home == null) {
                throw new IllegalArgumentException("--home DIR is required");
            }
            return new Options(home, bolt, pageCache);
        }

        private static SocketAddress parseAddress(String value) {
            int colon = value.lastIndexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException("--bolt wants HOST:PORT, got " + value);
            }
            return new SocketAddress(
                    value.substring(0, colon), Integer.parseInt(value.substring(colon + 1)));
        }
    }

    public static void main(String[] args) throws InterruptedException {
        Options options;
        String password = System.getenv(PASSWORD_VARIABLE);
        try {
            options = Options.parse(args);
            if (password == null || password.isBlank()) {
                throw new IllegalArgumentException(PASSWORD_VARIABLE + " is not set");
            }
        } catch (IllegalArgumentException e) {
            System.err.println("orthograph-neo4j: " + e.getMessage());
            System.err.println(
                    "usage: " + PASSWORD_VARIABLE + "=... java -jar orthograph-neo4j-launcher.jar"
                            + " --home DIR --bolt HOST:PORT [--page-cache SIZE]");
            System.exit(EXIT_USAGE);
            return;
        }

        DatabaseManagementService service;
        try {
            service = start(options);
        } catch (RuntimeException e) {
            fail("Neo4j did not start", e);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(service::shutdown, "orthograph-neo4j-stop"));
        try {
            awaitDefaultDatabase(service);
            setPassword(service, password);
            awaitBolt(options.bolt());
        } catch (RuntimeException | IOException e) {
            fail("Neo4j started but is not usable", e);
            return;
        }
        System.out.println(
                READY_PREFIX + options.bolt().getHostname() + ":" + options.bolt().getPort());
        System.out.flush();
        Thread.currentThread().join();
    }

    private static DatabaseManagementService start(Options options) {
        Path home = options.home();
        Map<org.neo4j.graphdb.config.Setting<?>, Object> settings = Map.ofEntries(
                Map.entry(GraphDatabaseSettings.logs_directory, home.resolve("logs").resolve("neo4j")),
                Map.entry(GraphDatabaseSettings.plugin_dir, pluginDirectory()),
                Map.entry(GraphDatabaseSettings.auth_enabled, true),
                Map.entry(GraphDatabaseSettings.pagecache_memory, options.pageCacheBytes()),
                Map.entry(GraphDatabaseSettings.keep_logical_logs, "64M size"),
                Map.entry(GraphDatabaseSettings.logical_log_rotation_threshold, ByteUnit.mebiBytes(16)),
                Map.entry(GraphDatabaseSettings.preallocate_logical_logs, false),
                Map.entry(GraphDatabaseSettings.udc_enabled, false),
                Map.entry(BoltConnector.enabled, true),
                Map.entry(BoltConnector.listen_address, options.bolt()),
                Map.entry(BoltConnector.advertised_address, options.bolt()),
                // Without this the Bolt server idles 2 x 5 s on SIGTERM before the JVM exits.
                Map.entry(GraphDatabaseInternalSettings.netty_server_shutdown_quiet_period, 0),
                Map.entry(HttpConnector.enabled, false),
                Map.entry(HttpsConnector.enabled, false));
        return new DatabaseManagementServiceBuilder(home.resolve("neo4j"))
                .setConfig(settings)
                .setUserLogProvider(new Log4jLogProvider(System.out, Level.INFO))
                .build();
    }

    /** The {@code plugins} folder beside the launcher jar (Maven's {@code target/plugins}). */
    private static Path pluginDirectory() {
        try {
            var jar = Neo4jLauncher.class.getProtectionDomain().getCodeSource().getLocation();
            return Path.of(jar.toURI()).resolveSibling("plugins");
        } catch (URISyntaxException e) {
            throw new IllegalStateException("cannot locate the launcher jar", e);
        }
    }

    private static void awaitDefaultDatabase(DatabaseManagementService service) {
        GraphDatabaseService db = service.database(GraphDatabaseSettings.DEFAULT_DATABASE_NAME);
        if (!db.isAvailable(STARTUP_WAIT.toMillis())) {
            throw new IllegalStateException(
                    "database " + db.databaseName() + " did not become available; see debug.log");
        }
    }

    /**
     * Sets the {@code neo4j} user's password on every start, so the password in the environment
     * is the one that works even when the data folder came from an earlier run or a backup.
     *
     * <p>Neo4j refuses to set a password equal to the current one with the same status code it
     * uses for invalid passwords, so the user first gets a throwaway random password: the second
     * statement then always sets a different password, and a real error (too short) surfaces.
     */
    private static void setPassword(DatabaseManagementService service, String password) {
        GraphDatabaseService system = service.database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME);
        String alter = "ALTER USER neo4j SET PASSWORD $password CHANGE NOT REQUIRED";
        system.executeTransactionally(alter, Map.of("password", UUID.randomUUID().toString()));
        system.executeTransactionally(alter, Map.of("password", password));
    }

    /** Waits until the Bolt port takes TCP connections: only then may the ready line appear. */
    private static void awaitBolt(SocketAddress bolt) throws IOException, InterruptedException {
        Instant deadline = Instant.now().plus(STARTUP_WAIT);
        InetSocketAddress address = new InetSocketAddress(bolt.getHostname(), bolt.getPort());
        while (true) {
            try (Socket socket = new Socket()) {
                socket.connect(address, 1000);
                return;
            } catch (IOException e) {
                if (Instant.now().isAfter(deadline)) {
                    throw new IOException("Bolt did not accept connections on " + address, e);
                }
                TimeUnit.MILLISECONDS.sleep(100);
            }
        }
    }

    /**
     * Reports a failure and exits non-zero. The one-line summary comes last so that the stack,
     * which shows the last line of the log, can quote it; {@code System.exit} runs the shutdown
     * hook, which stops whatever part of Neo4j did start.
     */
    private static void fail(String what, Exception cause) {
        Throwable root = cause;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        cause.printStackTrace();
        System.err.println("orthograph-neo4j: " + what + ": " + root);
        System.exit(EXIT_FAILED);
    }
}
