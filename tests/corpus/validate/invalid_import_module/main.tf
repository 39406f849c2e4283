import {
  to = module.a
  id = "x"
}
