# Multi-stage build of the Stackl silo.
#   docker build -t stackl .
#   docker run -p 8080:8080 -v stackl-data:/app/data stackl                 (embedded: SQLite under /app/data)
#   docker run -p 8080:8080 -e STACKL_Storage__Provider=postgres \
#     -e STACKL_Storage__ConnectionString="Host=...;Database=stackl;Username=stackl;Password=..." stackl
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY . .
RUN dotnet publish src/Stackl.Silo/Stackl.Silo.csproj -c Release -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app
COPY --from=build /app .
# The SQLite file lives under /app/data in embedded mode; mount a volume there to keep it.
RUN mkdir -p /app/data && chown -R 1654:1654 /app/data
# 1654 is the non-root "app" user of the .NET base images.
USER 1654
ENV ASPNETCORE_URLS=http://+:8080
# 8080: HTTP API and dashboards; 11111: silo-to-silo; 30000: Orleans client gateway.
EXPOSE 8080 11111 30000
ENTRYPOINT ["dotnet", "stackl-silo.dll"]
