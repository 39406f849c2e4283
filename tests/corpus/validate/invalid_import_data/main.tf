import {
  to = data.terraform_remote_state.x
  id = "x"
}
