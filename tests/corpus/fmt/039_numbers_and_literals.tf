locals {
  int = 42
  float = 3.14159
  exp = 1e10
  exp2 = 1.5E-3
  neg = -7
  bool_t = true
  bool_f = false
  nothing = null
  big = 123456789012345678901234567890
  escapes = "tab\tnewline\nquote\"backslash\\unicode\u00e9"
  empty_str = ""
  empty_list = []
  empty_obj = {}
}
