resource "terraform_data" "a" {
  provisioner "local-exec" {
    command    = "true"
    when       = "destroy"
    on_failure = "continue"
  }
}
ephemeral "terraform_data" "e" {
  lifecycle {
    create_before_destroy = true
    prevent_destroy       = true
  }
}
