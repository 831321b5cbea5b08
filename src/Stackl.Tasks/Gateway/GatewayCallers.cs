using Stackl.Contracts;
using Stackl.Grains.Abstractions;
using Stackl.Tasks.Security;

namespace Stackl.Tasks.Gateway;

/// <summary>The principal of a cluster client's call, from the API key in its request context.</summary>
internal static class GatewayCallers
{
    /// <summary>The caller, or a 401 when credentials are required and missing, or sent and invalid.</summary>
    /// <remarks>The key is taken out of the request context first, so it does not travel on with the grain calls the gateway makes.</remarks>
    public static async Task<StacklPrincipal> AuthenticateAsync(ApiKeyService keys, AuthPolicy policy)
    {
        var key = RequestContext.Get(StacklCredentials.RequestContextKey) as string;
        RequestContext.Remove(StacklCredentials.RequestContextKey);
        if (key is not null)
        {
            return await keys.AuthenticateAsync(key)
                ?? throw new StacklGatewayException(GatewayErrors.Unauthorized, ErrorCodes.Unauthorized, "The API key is unknown or revoked; ask an administrator for a key ('stackl keys create').");
        }

        return policy.RequiredEverywhere
            ? throw new StacklGatewayException(GatewayErrors.Unauthorized, ErrorCodes.Unauthorized, "This cluster requires credentials: set StacklClusterClientOptions.ApiKey (an administrator creates keys with 'stackl keys create').")
            : StacklPrincipal.Anonymous;
    }
}
