resource "terraform_data" "ignored" {
  input            = "changed again"
  triggers_replace = "t2"

  lifecycle {
    ignore_changes = [input]
  }
}

resource "terraform_data" "all" {
  input            = "changed"
  triggers_replace = "new"
}

resource "terraform_data" "tracked" {
  input = "changed"
}
