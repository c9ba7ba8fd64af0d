rule script_downloader
{
    meta:
        description = "Script that downloads and runs a payload (VBS/JS/PowerShell/HTA)"
    strings:
        $a1 = "WScript.Shell" nocase
        $a2 = "MSXML2.XMLHTTP" nocase
        $a3 = "ADODB.Stream" nocase
        $a4 = "DownloadFile" nocase
        $a5 = "Invoke-WebRequest" nocase
        $a6 = "powershell -e" nocase
        $a7 = "FromBase64String" nocase
        $run1 = ".Run(" nocase
        $run2 = "Start-Process" nocase
        $run3 = "IEX" nocase
    condition:
        filesize < 2MB and 2 of ($a*) and any of ($run*)
}

rule html_credential_harvest
{
    meta:
        description = "HTML page posting a password field to another site (phishing attachment)"
    strings:
        $form = "<form" nocase
        $pw = /type\s*=\s*["']?password/ nocase
        $action = /action\s*=\s*["']?https?:\/\// nocase
    condition:
        filesize < 2MB and $form and $pw and $action
}
