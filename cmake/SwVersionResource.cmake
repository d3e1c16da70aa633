# sw_version_resource(TARGET DESCRIPTION): gives a program the version
# resource every shipped exe carries (cmake/version.rc.in): FILEVERSION and
# PRODUCTVERSION major,minor,patch,0 of the project's version, and the
# strings Explorer shows. One template for all, so that the three programs
# cannot drift apart; the MSI's File table takes each file's version from
# this resource (installer/build-msi.sh). Test tools need none.
#
# The .rc is configured, not given the version with -D: windres loses the
# quotes of a string passed that way.

set(SW_VR_TEMPLATE ${CMAKE_CURRENT_LIST_DIR}/version.rc.in)

function(sw_version_resource target description)
  if(NOT PROJECT_VERSION MATCHES "^[0-9]+\\.[0-9]+\\.[0-9]+$")
    message(FATAL_ERROR "sw_version_resource: the project version '${PROJECT_VERSION}' "
                        "is not x.y.z (a file version has four numbers, the last is 0)")
  endif()
  if(description MATCHES "[\"\\\\]")
    message(FATAL_ERROR "sw_version_resource: the description of ${target} may not "
                        "hold quotes or backslashes (it becomes an .rc string)")
  endif()
  set(SW_VR_DESCRIPTION "${description}")
  set(SW_VR_FILE_NAME "${target}.exe")
  set(SW_VR_INTERNAL_NAME "${target}")
  set(SW_VR_COMPANY "SMTP Watch")
  set(SW_VR_PRODUCT "SMTP Watch")
  set(SW_VR_COPYRIGHT "Copyright (C) 2026 SMTP Watch")
  set(rc ${CMAKE_CURRENT_BINARY_DIR}/${target}_version.rc)
  configure_file(${SW_VR_TEMPLATE} ${rc} @ONLY)
  target_sources(${target} PRIVATE ${rc})
endfunction()
