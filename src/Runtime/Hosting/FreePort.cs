using System.Net;
using System.Net.Sockets;

namespace FluidManager.Runtime.Hosting;

/// <summary>Picks a TCP port nobody listens on, below the kernel's ephemeral range.</summary>
internal static class FreePort
{
    /// <summary>
    /// Ports this process handed out already: never handed out twice, so that two silos of one process
    /// (tests run several clusters side by side) can neither pick the same port at once nor reuse a
    /// stopped silo's port, to which another cluster's silos may still hold connections.
    /// </summary>
    private static readonly HashSet<int> Picked = [];

    /// <summary>
    /// Outgoing connections take their local ports from the ephemeral range, so a port picked there
    /// could be taken between the pick and the bind; below it, only listeners compete.
    /// </summary>
    public static int Pick(int except = 0)
    {
        var high = EphemeralLow() - 1;
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var port = Random.Shared.Next(20000, high);
            if (port == except || !IsFree(port))
            {
                continue;
            }

            lock (Picked)
            {
                if (Picked.Add(port))
                {
                    return port;
                }
            }
        }

        throw new InvalidOperationException($"No free TCP port found between 20000 and {high}; set {FluidClusterOptions.Section}:SiloPort explicitly.");
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            listener.Bind(new IPEndPoint(IPAddress.Any, port));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static int EphemeralLow()
    {
        const string range = "/proc/sys/net/ipv4/ip_local_port_range";
        if (File.Exists(range) && int.TryParse(File.ReadAllText(range).Split((char[])['\t', ' '], StringSplitOptions.RemoveEmptyEntries)[0], out var low) && low > 21000)
        {
            return low;
        }

        return 32768;
    }
}
