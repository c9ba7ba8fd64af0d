rule office_macro_autoexec
{
    meta:
        description = "Office document with a VBA project that runs code on open"
    strings:
        $ole = { D0 CF 11 E0 A1 B1 1A E1 }
        $vba = "_VBA_PROJECT" wide ascii nocase
        $auto1 = "AutoOpen" nocase
        $auto2 = "Document_Open" nocase
        $auto3 = "Workbook_Open" nocase
        $auto4 = "Auto_Open" nocase
    condition:
        $ole at 0 and $vba and any of ($auto*)
}
