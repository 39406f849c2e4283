resource "terraform_data" "counted" {
  count = 2
  input = count.index
}
resource "terraform_data" "each" {
  for_each = toset(["a", "b"])
  input    = each.key
}
resource "terraform_data" "life" {
  input      = terraform_data.counted[0].output
  depends_on = [terraform_data.each]
  triggers_replace = [terraform_data.counted[1].id]
  lifecycle {
    create_before_destroy = true
    prevent_destroy       = false
    ignore_changes        = [input]
    replace_triggered_by  = [terraform_data.each["a"].id]
    precondition {
      condition     = terraform_data.counted[0].input == 0
      error_message = "first"
    }
    postcondition {
      condition     = self.id != ""
      error_message = "id"
    }
  }
  provisioner "local-exec" {
    command    = "echo ${self.id}"
    when       = create
    on_failure = continue
  }
  provisioner "local-exec" {
    when    = destroy
    command = "echo ${self.input}"
  }
}
resource "terraform_data" "all" {
  lifecycle {
    ignore_changes = all
  }
}
