resource "terraform_data" "ignored" {
  input            = "changed"
  triggers_replace = "t1"

  lifecycle {
    ignore_changes = [input]
  }
}

resource "terraform_data" "all" {
  input            = "changed"
  triggers_replace = "new"

  lifecycle {
    ignore_changes = all
  }
}

resource "terraform_data" "tracked" {
  input = "changed"
}
