removed {
  from = data.terraform_remote_state.a
  provisioner "local-exec" {
    when    = destroy
    command = "x"
  }
}
removed {
  from = terraform_data.a
  connection {
    host = "x"
  }
  connection {
    host = "y"
  }
  provisioner "local-exec" {
    when    = destroy
    command = "x"
  }
}
removed {
  from = terraform_data.a[0]
  provisioner "local-exec" {
    when    = destroy
    command = "x"
  }
}
removed {
  from = module.x
  lifecycle {
    destroy = false
  }
  connection {
    host = "x"
  }
  provisioner "local-exec" {
    when    = destroy
    command = "x"
  }
}
