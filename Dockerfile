# Multi-stage build of the Stackl silo. Build: docker build -t stackl .  Run: docker run -p 8080:8080 stackl
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY . .
RUN dotnet publish src/Stackl.Silo/Stackl.Silo.csproj -c Release -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app
COPY --from=build /app .
# The SQLite file lives under /app/data in embedded mode; mount a volume there to keep it.
RUN mkdir -p /app/data && chown -R 1654:1654 /app/data
USER 1654
ENV ASPNETCORE_URLS=http://+:8080
EXPOSE 8080
ENTRYPOINT ["dotnet", "stackl-silo.dll"]
