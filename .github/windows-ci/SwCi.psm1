# Helpers for .github/workflows/windows.yml: run a program (as this user or
# as another one) and keep its exit code and output, wait for a condition,
# assert with a sentence, read the service's events. Each PowerShell step of
# the workflow imports this module. Unverified until the workflow has run
# on a Windows runner (README.md, "Windows CI").
$ErrorActionPreference = 'Stop'

# What the MSI installs and the workflow checks.
$script:SwCli = Join-Path $env:ProgramFiles 'SmtpWatch\smtpwatch.exe'
$script:SwSvc = Join-Path $env:ProgramFiles 'SmtpWatch\smtpwatch-svc.exe'
$script:SwDataDir = Join-Path $env:ProgramData 'SmtpWatch'
# A folder the standard user may use as its working directory and write to.
$script:SwUserDir = 'C:\Users\Public\sw-ci'

function Get-SwPaths {
  [pscustomobject]@{ Cli = $script:SwCli; Svc = $script:SwSvc; DataDir = $script:SwDataDir
    UserDir = $script:SwUserDir }
}

# Fails the step with `Message` unless `Condition` holds.
function Assert-Sw([bool]$Condition, [string]$Message) {
  if (-not $Condition) { throw "FAILED: $Message" }
  Write-Host "ok: $Message"
}

# Polls `Condition` once a second until it returns something true, and
# returns that; throws naming `What` after `TimeoutSec`.
function Wait-Sw([scriptblock]$Condition, [int]$TimeoutSec, [string]$What) {
  $deadline = (Get-Date).AddSeconds($TimeoutSec)
  while ((Get-Date) -lt $deadline) {
    $r = & $Condition
    if ($r) { return $r }
    Start-Sleep -Seconds 1
  }
  throw "FAILED: $What did not happen within $TimeoutSec s"
}

# The standard user's credential (made by the 'standard user' step, which
# puts the name and password in the job's environment).
function Get-SwUserCredential {
  $secure = ConvertTo-SecureString $env:SW_CI_USER_PASSWORD -AsPlainText -Force
  New-Object System.Management.Automation.PSCredential("$env:COMPUTERNAME\$env:SW_CI_USER", $secure)
}

# Starts `File` with `Arguments` (each one argument, quoted by .NET), its
# output captured as UTF-8. With -AsUser: as the standard user, through
# CreateProcessWithLogonW (what runas does: an interactive logon, so the
# token has INTERACTIVE; it needs the Secondary Logon service, which
# Windows Server runs on demand). Its environment is made from the user's
# profile, not copied from the job's (Environment is never touched here).
# Returns a handle for Receive-Sw.
function Start-Sw([string]$File, [string[]]$Arguments = @(), [switch]$AsUser) {
  $psi = [System.Diagnostics.ProcessStartInfo]::new($File)
  foreach ($a in $Arguments) { $psi.ArgumentList.Add($a) }
  $psi.UseShellExecute = $false
  $psi.CreateNoWindow = $true
  $psi.RedirectStandardOutput = $true
  $psi.RedirectStandardError = $true
  $psi.StandardOutputEncoding = [System.Text.UTF8Encoding]::new($false)
  $psi.StandardErrorEncoding = [System.Text.UTF8Encoding]::new($false)
  if ($AsUser) {
    $cred = Get-SwUserCredential
    $psi.UserName = $env:SW_CI_USER
    $psi.Domain = $env:COMPUTERNAME
    $psi.Password = $cred.Password
    $psi.LoadUserProfile = $true
    $psi.WorkingDirectory = $script:SwUserDir
  }
  $p = [System.Diagnostics.Process]::Start($psi)
  [pscustomobject]@{
    Process = $p; What = "$File $($Arguments -join ' ')"
    Out = $p.StandardOutput.ReadToEndAsync(); Err = $p.StandardError.ReadToEndAsync()
  }
}

# Waits (at most TimeoutSec) for what Start-Sw started; returns ExitCode,
# Out, Err and Text (both), and prints them.
function Receive-Sw($Started, [int]$TimeoutSec = 60) {
  if (-not $Started.Process.WaitForExit($TimeoutSec * 1000)) {
    $Started.Process.Kill()
    throw "FAILED: '$($Started.What)' did not end within $TimeoutSec s"
  }
  $Started.Process.WaitForExit()
  $r = [pscustomobject]@{
    ExitCode = $Started.Process.ExitCode; Out = $Started.Out.Result; Err = $Started.Err.Result
    Text = $Started.Out.Result + $Started.Err.Result
  }
  Write-Host "> $($Started.What)  (exit code $($r.ExitCode))"
  if ($r.Text) { Write-Host $r.Text.TrimEnd() }
  $r
}

# Runs and waits: Invoke-Sw $file args..., -AsUser for the standard user.
function Invoke-Sw([string]$File, [string[]]$Arguments = @(), [switch]$AsUser,
  [int]$TimeoutSec = 60) {
  Receive-Sw (Start-Sw $File $Arguments -AsUser:$AsUser) $TimeoutSec
}

# smtpwatch.exe with `Arguments`; -AsUser for the standard user.
function Invoke-SwCli([string[]]$Arguments, [switch]$AsUser, [int]$TimeoutSec = 60) {
  Invoke-Sw $script:SwCli $Arguments -AsUser:$AsUser -TimeoutSec $TimeoutSec
}

# The service's events in the Application log since `Since`, newest first
# (none: an empty array, not an error).
function Get-SwEvent([int[]]$Id, [datetime]$Since) {
  $filter = @{ LogName = 'Application'; ProviderName = 'SmtpWatch'; Id = $Id; StartTime = $Since }
  @(Get-WinEvent -FilterHashtable $filter -ErrorAction SilentlyContinue)
}

# Win32_Service of SmtpWatch, or $null when it is not installed.
function Get-SwService {
  Get-CimInstance Win32_Service -Filter "Name='SmtpWatch'"
}

# The SID of NT SERVICE\SmtpWatch (exists while the service is installed).
function Get-SwServiceSid {
  ([System.Security.Principal.NTAccount]'NT SERVICE\SmtpWatch').Translate(
    [System.Security.Principal.SecurityIdentifier]).Value
}

# Starts or stops the service and waits for the state.
function Set-SwServiceState([ValidateSet('Running', 'Stopped')][string]$State) {
  $verb = if ($State -eq 'Running') { 'start' } else { 'stop' }
  $r = Invoke-Sw sc.exe @($verb, 'SmtpWatch')
  Assert-Sw ($r.ExitCode -eq 0) "sc $verb SmtpWatch succeeded"
  $null = Wait-Sw { (Get-SwService).State -eq $State } 60 "SmtpWatch reaching $State"
}

# The entries of Settings > Apps named SMTP Watch (PSChildName: the
# ProductCode), as an array.
function Get-SwInstalledApp {
  @(Get-ItemProperty 'HKLM:\SOFTWARE\Microsoft\Windows\CurrentVersion\Uninstall\*' |
      Where-Object { $_.PSObject.Properties['DisplayName'] -and $_.DisplayName -eq 'SMTP Watch' })
}

# msiexec /i or /x `Msi` (a file or a ProductCode) quietly with a verbose log in the logs folder
# (uploaded when the job fails); returns msiexec's exit code.
function Invoke-SwMsi([ValidateSet('/i', '/x')][string]$Action, [string]$Msi, [string]$LogName) {
  $logs = Join-Path $env:RUNNER_TEMP 'sw-logs'
  $null = New-Item -ItemType Directory -Force $logs
  $log = Join-Path $logs $LogName
  $p = Start-Process msiexec.exe -Wait -PassThru -ArgumentList @(
    $Action, "`"$Msi`"", '/qn', '/l*v', "`"$log`"")
  Write-Host "> msiexec $Action $Msi /qn  (exit code $($p.ExitCode), log $LogName)"
  [pscustomobject]@{ ExitCode = $p.ExitCode; Log = (Get-Content -Raw -LiteralPath $log) }
}

$script:FullControl = 0x1F01FF     # FA
$script:ServiceModify = 0x1301BF   # modify + synchronize, SW_DATA_DIR_SDDL
$script:Admins = 'S-1-5-32-544'
$script:System = 'S-1-5-18'
# Who must never appear in the data folder's security: Everyone, Users,
# Authenticated Users, INTERACTIVE, CREATOR OWNER.
$script:Outsiders = @('S-1-1-0', 'S-1-5-32-545', 'S-1-5-11', 'S-1-5-4', 'S-1-3-0')

# docs/windows-verification.md item 25 and docs/installer.md: the data
# folder is owned by Administrators, protected, and grants exactly SYSTEM
# and Administrators full control and NT SERVICE\SmtpWatch modify, passed
# on to its files; every file in it has no explicit ACE, only what the
# folder passes on, and is owned by Administrators (a file --install-config
# reset: `ResetFiles`) or by the service that created it. `Intruder`: a SID
# that must appear nowhere (the user who planted files before install).
function Assert-SwDataFolderAcl([string[]]$ResetFiles = @(), [string]$Intruder) {
  $svcSid = Get-SwServiceSid
  $never = $script:Outsiders + @($Intruder | Where-Object { $_ })
  & icacls.exe $script:SwDataDir | Out-Host
  $acl = Get-Acl -LiteralPath $script:SwDataDir
  Assert-Sw ($acl.GetOwner([System.Security.Principal.SecurityIdentifier]).Value -eq $script:Admins) `
    'the data folder is owned by Administrators'
  Assert-Sw $acl.AreAccessRulesProtected 'the data folder inherits nothing from ProgramData (protected)'
  $rules = @($acl.GetAccessRules($true, $true, [System.Security.Principal.SecurityIdentifier]))
  $want = @{ $script:System = $script:FullControl; $script:Admins = $script:FullControl; $svcSid = $script:ServiceModify }
  Assert-Sw ($rules.Count -eq 3) "the data folder has exactly 3 ACEs (has $($rules.Count))"
  foreach ($r in $rules) {
    $sid = $r.IdentityReference.Value
    Assert-Sw ($want.ContainsKey($sid)) "the data folder's ACE for $sid is one of SYSTEM, Administrators, NT SERVICE\SmtpWatch"
    Assert-Sw ($r.AccessControlType -eq 'Allow' -and -not $r.IsInherited) "the ACE for $sid is an explicit allow"
    Assert-Sw ([int]$r.FileSystemRights -eq $want[$sid]) ("the ACE for $sid grants 0x{0:X} (grants 0x{1:X})" -f $want[$sid], [int]$r.FileSystemRights)
    Assert-Sw ($r.InheritanceFlags -eq 'ContainerInherit, ObjectInherit' -and $r.PropagationFlags -eq 'None') `
      "the ACE for $sid is passed on to files and folders"
  }
  foreach ($item in @(Get-ChildItem -LiteralPath $script:SwDataDir -Force -Recurse)) {
    $a = Get-Acl -LiteralPath $item.FullName
    $owner = $a.GetOwner([System.Security.Principal.SecurityIdentifier]).Value
    $owners = if ($ResetFiles -contains $item.Name) { @($script:Admins) } else { @($script:Admins, $script:System, 'S-1-5-19', $svcSid) }
    Assert-Sw ($owners -contains $owner) "$($item.Name) is owned by $($owners -join ' or ') (owner $owner)"
    Assert-Sw (-not $a.AreAccessRulesProtected) "$($item.Name) inherits from the data folder"
    $fileRules = @($a.GetAccessRules($true, $true, [System.Security.Principal.SecurityIdentifier]))
    foreach ($r in $fileRules) {
      $sid = $r.IdentityReference.Value
      Assert-Sw $r.IsInherited "$($item.Name): the ACE for $sid is inherited, not explicit"
      Assert-Sw ($want.ContainsKey($sid) -and $never -notcontains $sid) "$($item.Name): $sid is SYSTEM, Administrators or the service"
    }
  }
}

Export-ModuleMember -Function *-Sw*
