# The portable folders of common/ and what each may include
# (docs/architecture.md). Checked at every configure, so a change that
# breaks the layering fails the build:
#   - no portable folder includes <windows.h> or another Windows header;
#   - a folder includes headers only from itself and the folders listed
#     for it (never from a higher one, common/win, service, cli or gui).
# Also runs as a script (tests/CMakeLists.txt, lint.layering), on another
# tree: cmake -DSW_LAYERING_ROOT=DIR -P cmake/SwLayering.cmake

if(CMAKE_SCRIPT_MODE_FILE)
  cmake_minimum_required(VERSION 3.20) # IN_LIST; the project asks the same
endif()

set(SW_LAYERS base smtp monitor alert pipe store manage)
set(SW_LAYER_MAY_base "")
set(SW_LAYER_MAY_smtp base)
set(SW_LAYER_MAY_monitor base smtp)
set(SW_LAYER_MAY_alert base smtp monitor)
set(SW_LAYER_MAY_pipe base smtp monitor alert)
set(SW_LAYER_MAY_store base smtp monitor alert)
set(SW_LAYER_MAY_manage base smtp monitor alert pipe)
# A mail domain's DNS and policies (issue 18): base only.
list(APPEND SW_LAYERS domain)
set(SW_LAYER_MAY_domain base)
# Windows headers a portable file must not include (the SDK's own names).
set(SW_WINDOWS_HEADERS windows.h winsock2.h ws2tcpip.h winsvc.h wincrypt.h
    schannel.h sspi.h mswsock.h winbase.h windef.h winnt.h winerror.h)

function(sw_check_layering root)
  # Which folder each header lives in.
  foreach(layer ${SW_LAYERS})
    file(GLOB headers RELATIVE ${root}/common/${layer} ${root}/common/${layer}/*.h)
    foreach(h ${headers})
      set(home_${h} ${layer})
    endforeach()
  endforeach()
  set(problems "")
  foreach(layer ${SW_LAYERS})
    file(GLOB sources ${root}/common/${layer}/*.c ${root}/common/${layer}/*.h)
    foreach(src ${sources})
      file(STRINGS ${src} includes REGEX "^[ \t]*#[ \t]*include[ \t]*[<\"][^>\"]+[>\"]")
      foreach(line ${includes})
        string(REGEX REPLACE "^[ \t]*#[ \t]*include[ \t]*[<\"]([^>\"]+)[>\"].*" "\\1" name "${line}")
        string(TOLOWER "${name}" lower)
        file(RELATIVE_PATH where ${root} ${src})
        if(lower IN_LIST SW_WINDOWS_HEADERS)
          string(APPEND problems "\n  ${where} includes <${name}>: common/${layer} is portable")
        elseif(DEFINED home_${name})
          set(home ${home_${name}})
          if(NOT home STREQUAL layer AND NOT home IN_LIST SW_LAYER_MAY_${layer})
            string(APPEND problems
              "\n  ${where} includes ${name} from common/${home}, which common/${layer} may not")
          endif()
        elseif(line MATCHES "\"")
          foreach(above common/win service cli gui gui/model)
            if(EXISTS ${root}/${above}/${name})
              string(APPEND problems "\n  ${where} includes ${name} from ${above}")
            endif()
          endforeach()
        endif()
      endforeach()
    endforeach()
  endforeach()
  if(problems)
    message(FATAL_ERROR "The layering of common/ is broken (docs/architecture.md):${problems}")
  endif()
endfunction()

if(CMAKE_SCRIPT_MODE_FILE)
  sw_check_layering(${SW_LAYERING_ROOT})
endif()
