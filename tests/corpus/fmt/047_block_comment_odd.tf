resource "a" "b" /* after labels */ {
  x = /* before value */ 1
  y = 2 /* after value */ # and line
  /* alone */
  z = [ /* inside */ ]
}
locals /* locals comment */ {
  k = 1
}
