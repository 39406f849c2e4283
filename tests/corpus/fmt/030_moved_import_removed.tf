moved {
  from = aws_instance.old
  to = aws_instance.new
}
import {
  to = aws_instance.imported
  id = "i-1234567890"
}
import {
  for_each = var.ids
  to = aws_instance.many[each.key]
  id = each.value
}
removed {
  from = aws_instance.gone
  lifecycle {
    destroy = false
  }
}
check "health" {
  data "http" "site" {
    url = "https://example.com"
  }
  assert {
    condition = data.http.site.status_code == 200
    error_message = "down"
  }
}
