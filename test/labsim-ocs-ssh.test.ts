/**
 * The simulated OCS front end's PowerShell: scripts written here in styles other than rcclab's
 * provider (Get-WmiObject -Filter, ForEach-Object, [wmiclass] CreateInstance + Put, Delete) run
 * against the WMI store; PowerShell 2.0 semantics the provider's script relies on; what the
 * simulator reads from a script (operation, filters, header variables); and refusals (nothing runs).
 */
import { describe, expect, it } from "vitest";
import { OcsWmiStore, analyzeCommand, execCommand } from "../src/labsim/ocs";

const BACKEND = "sql01.lab.example.com\\rtc";
const seed = {
  pools: [
    { fqdn: "pool01.lab.example.com", backend: BACKEND },
    { fqdn: "pool02.lab.example.com", backend: "sql02.lab.example.com\\rtc" },
  ],
  routes: [{ MatchURI: "gw01.lab.example.com", NextHop: "192.0.2.10", NextHopPort: 5060, NextHopTransport: "TCP", ReplaceHostInRequestURI: false, Enabled: true }],
  hosts: [{ Server: "192.0.2.10", OutboundOnly: false, ThrottleAsServer: true, TreatAsAuthenticated: true }],
};
const enc = (script: string) => `powershell.exe -NoLogo -NoProfile -NonInteractive -EncodedCommand ${Buffer.from(script, "utf16le").toString("base64")}`;
const run = (store: OcsWmiStore, script: string, admin = true) => execCommand(store, enc(script), { wmiAccess: admin });

describe("WMI through the simulator's PowerShell", () => {
  it("reads with Get-WmiObject -Filter (WQL, backslash escaped) and formats with -f", () => {
    const store = new OcsWmiStore({ seed });
    const r = run(
      store,
      [
        "$ErrorActionPreference = 'Stop'",
        "$rows = Get-WmiObject -Class MSFT_SIPRoutingTableData -Namespace root\\cimv2 -Filter \"Backend = 'SQL01.lab.example.com\\\\rtc'\"",
        "foreach ($r in $rows) { Write-Output ('{0} -> {1}:{2} {3}' -f $r.MatchURI, $r.NextHop, $r.NextHopPort, $r.Enabled) }",
      ].join("\r\n"),
    );
    expect(r.stderr).toBe("");
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe("gw01.lab.example.com -> 192.0.2.10:5060 True\r\n");
    expect(r.op).toBe("route.get");
  });

  it("creates with [wmiclass] CreateInstance and Put, updates through Where-Object, deletes", () => {
    const store = new OcsWmiStore({ seed });
    const made = run(
      store,
      `$c = [wmiclass]'root\\cimv2:MSFT_SIPRemoteAddressData'
$h = $c.CreateInstance()
$h.Backend = '${BACKEND}'
$h.Server = 'cup.lab.example.com'
$h.OutboundOnly = $false
$h.ThrottleAsServer = 1
$h.TreatAsAuthenticated = $true
[void]$h.Put()
Get-WmiObject MSFT_SIPRemoteAddressData | ForEach-Object { $_.Server }`,
    );
    expect(made.stderr).toBe("");
    expect(made.op).toBe("host.create");
    expect(made.changed).toBe(true);
    expect(made.stdout.split("\r\n").filter(Boolean)).toEqual(["192.0.2.10", "cup.lab.example.com"]);
    const row = store.state().hosts.find((h) => h.Server === "cup.lab.example.com")!;
    expect(row).toMatchObject({ Backend: BACKEND, ThrottleAsServer: true, OutboundOnly: false });
    expect(row.InstanceID).toMatch(/^\{[0-9A-F-]{36}\}$/);

    const upd = run(store, "$x = 'CUP.lab.example.com'; $o = @(gwmi MSFT_SIPRemoteAddressData | ? { $_.Server -eq $x })[0]; $o.ThrottleAsServer = $false; $o.Put() | Out-Null; 'ok'");
    expect(upd.stdout).toBe("ok\r\n");
    expect(upd.op).toBe("host.update");
    expect(analyzeCommand(enc("$o = @(gwmi MSFT_SIPRemoteAddressData | ? { $_.Server -eq $x })")).summary?.filters).toEqual([{ property: "Server", variable: "x" }]);
    expect(store.state().hosts.find((h) => h.Server === "cup.lab.example.com")?.ThrottleAsServer).toBe(false);

    const del = run(store, `@(Get-WmiObject MSFT_SIPRemoteAddressData -Filter "Server='cup.lab.example.com'")[0].Delete()`);
    expect(del.stderr).toBe("");
    expect(del.op).toBe("host.delete");
    expect(store.state().hosts.map((h) => h.Server)).toEqual(["192.0.2.10"]);
  });

  it("WMI refusals surface as PowerShell errors: Put without Backend, a port out of range, a non-admin", () => {
    const store = new OcsWmiStore({ seed });
    const noBackend = run(store, "$n = ([wmiclass]'MSFT_SIPRoutingTableData').CreateInstance(); $n.MatchURI='a'; $n.NextHop='b'; $n.NextHopPort=5060; $n.NextHopTransport='TCP'; $n.Enabled=$true; $n.ReplaceHostInRequestURI=$true; $n.Put()");
    expect(noBackend.exitCode).toBe(1);
    expect(noBackend.stderr).toContain('Exception calling "Put" with "0" argument(s): "Invalid parameter "');
    const badPort = run(store, `trap { [Console]::Error.WriteLine('E:' + $_.Exception.Message); exit 7 }\n$r = @(gwmi MSFT_SIPRoutingTableData)[0]; $r.NextHopPort = 70000; $r.Put()`);
    expect(badPort.exitCode).toBe(7);
    expect(badPort.stderr).toBe('E:Exception calling "Put" with "0" argument(s): "Invalid parameter "\r\n');
    const notNumber = run(store, "$ErrorActionPreference='Stop'; trap { [Console]::Out.WriteLine($_.Exception.Message); exit 2 }; [uint32]'50x60'");
    expect(notNumber.stdout).toBe('Cannot convert value "50x60" to type "System.UInt32". Error: "Input string was not in a correct format."\r\n');
    const denied = run(store, "$ErrorActionPreference='Stop'; trap { [Console]::Error.WriteLine($_.Exception.Message); exit 1 }; Get-WmiObject MSFT_SIPRoutingTableData", false);
    expect(denied).toMatchObject({ exitCode: 1, stderr: "Access denied \r\n" });
    expect(store.state().routes).toHaveLength(1);
  });

  it("PowerShell 2.0 semantics: foreach over $null runs once, case-insensitive -eq, + on strings and arrays, functions return their output", () => {
    const store = new OcsWmiStore({ seed });
    const r = run(
      store,
      `function Two { 'a'; 'b' }
function None { }
$n = 0; foreach ($x in (None)) { $n++ }
$a = @('x') + (Two)
[Console]::Out.WriteLine([string]$n + ' ' + $a.Count + ' ' + ('ABC' -eq 'abc') + ' ' + ('ABC' -ceq 'abc') + ' ' + [string]::Join('|', [string[]]$a))
if ('x' -match '[\\w.]' -and [int][char]'x' -lt 128) { 'ascii' } else { 'other' }
'{0:x4}' -f [int][char]'\u00e9'`,
    );
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe("1 3 True False x|a|b\r\nascii\r\n00e9\r\n");
  });

  it("refuses what it cannot interpret, as a parser error, and runs none of it", () => {
    const store = new OcsWmiStore({ seed });
    const before = store.state();
    for (const script of [
      "Get-WmiObject MSFT_SIPRoutingTableData; Remove-Item C:\\ -Recurse",
      "$o = @(gwmi MSFT_SIPRoutingTableData)[0]; $o.Delete(); $o.Dispose()",
      "try { gwmi MSFT_SIPRoutingTableData } catch { }",
      "$x = @{ a = 1 }",
      "& 'C:\\evil.exe'",
      "[System.IO.File]::Delete('C:\\x')",
      "gwmi MSFT_SIPRoutingTableData -ComputerName fe02 -Credential x",
    ]) {
      const r = run(store, script);
      expect(r.exitCode, script).toBe(1);
      expect(r.rejected, script).toBeTruthy();
      expect(r.stderr, script).toMatch(/ParserError|not supported/);
    }
    expect(run(store, "$m='x'; Remove-Item C:\\").stderr).toMatch(/Unexpected token 'Remove-Item'/);
    expect(execCommand(store, "del /s /q C:\\", { wmiAccess: true })).toMatchObject({ exitCode: 9009, rejected: expect.any(String) });
    expect(execCommand(store, "powershell.exe -EncodedCommand ***", { wmiAccess: true }).stderr).toMatch(/not properly encoded/);
    expect(execCommand(store, "powershell.exe -OutputFormat XML -EncodedCommand AAAA", { wmiAccess: true }).rejected).toMatch(/OutputFormat/);
    expect(execCommand(store, "powershell.exe -Command Get-WmiObject MSFT_SIPRemoteAddressData", { wmiAccess: true }).stdout).toMatch(/MSFT_SIPRemoteAddressData\.Backend=/);
    expect(store.state()).toEqual(before);
  });

  it("reads the header variables and the operation from a provider-style script", () => {
    const script = [
      "$ErrorActionPreference='Stop'",
      "$pool='pool01.lab.example.com'",
      "$matchUri='it''s'",
      "function W($c){@(Get-WmiObject -Namespace root\\cimv2 -Class $c)}",
      "$cls='MSFT_SIPRoutingTableData'",
      "$cur=@(W $cls|?{$_.MatchURI -eq $matchUri})",
      "$cur[0].Delete()",
    ].join("\n");
    const a = analyzeCommand(enc(script));
    expect(a.refusal).toBeUndefined();
    expect(a.summary).toMatchObject({ op: "route.delete", vars: { ErrorActionPreference: "Stop", pool: "pool01.lab.example.com", matchUri: "it's", cls: "MSFT_SIPRoutingTableData" } });
    expect(a.summary?.filters).toEqual([{ property: "MatchURI", variable: "matchUri" }]);
  });
});

describe("limits", () => {
  it("a runaway recursion stops at PowerShell's call depth; a huge string is refused; nothing crashes", () => {
    const store = new OcsWmiStore({ seed });
    const deep = run(store, "function f { f }; f; 'after'");
    expect(deep.stderr).toMatch(/call depth overflow/);
    expect(run(store, "$ErrorActionPreference='Stop'; $x = 'a' * 100000000").exitCode).toBe(1);
    expect(run(store, "for ($i = 0; $i -lt 10; $i++) { }; 'done'").stdout).toBe("done\r\n");
  });
});
